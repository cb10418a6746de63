"""Group pages: browsing and a group's own page (browse), facilitators' pages
(manage), one session's pages (sessions)."""
