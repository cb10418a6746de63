"""Profile vocabularies. They feed only anonymous, aggregate reports."""

from django.db import models


class Profession(models.TextChoices):
    DOCTOR = "doctor", "Doctor"
    NURSE = "nurse", "Nurse"
    MIDWIFE = "midwife", "Midwife"
    AHP = "ahp", "Allied health professional"
    PARAMEDIC = "paramedic", "Paramedic"
    PHARMACIST = "pharmacist", "Pharmacist"
    DENTIST = "dentist", "Dentist"
    HEALTHCARE_SCIENTIST = "scientist", "Healthcare scientist"
    PSYCHOLOGICAL = "psychological", "Psychological professional"
    SUPPORT = "support", "Clinical support staff"
    ADMIN = "admin", "Administrative, estates or managerial staff"
    STUDENT = "student", "Student"
    OTHER = "other", "Other"


class CareerStage(models.TextChoices):
    STUDENT = "student", "Student"
    FY1 = "fy1", "Foundation Year 1"
    FY2 = "fy2", "Foundation Year 2"
    TRAINEE = "trainee", "In training (other than foundation)"
    EARLY = "early", "Early career (first 5 years after qualifying)"
    ESTABLISHED = "established", "Established"
    SENIOR = "senior", "Senior or consultant level"
    NOT_APPLICABLE = "na", "Not applicable"


class Region(models.TextChoices):
    EAST_OF_ENGLAND = "east", "East of England"
    LONDON = "london", "London"
    MIDLANDS = "midlands", "Midlands"
    NORTH_EAST_YORKSHIRE = "ney", "North East and Yorkshire"
    NORTH_WEST = "north_west", "North West"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "ni", "Northern Ireland"
