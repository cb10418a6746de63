def posted(request):
    """The POST data for a form, or None on GET. Not `request.POST or None`: an
    empty POST must still be validated (and show "required" errors)."""
    return request.POST if request.method == "POST" else None
