"""Opening people's data in the Django admin is audited like elsewhere.

Changes made there are already mirrored from the admin's own log
(audit.receivers); this records the reads: every list, record and history
page of every model in the admin, so a model added later is audited without
anyone remembering to."""

from django.contrib.admin.utils import unquote

from audit.services import audit_record

# admin URL name suffix -> audit action
_ADMIN_READS = {"changelist": "admin.list", "change": "admin.view", "history": "admin.history",
                "delete": "admin.view"}


class AdminAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200 and request.user.is_authenticated:
            admin_read_record(request)
        return response


def admin_read_record(request) -> None:
    match = getattr(request, "resolver_match", None)
    model_admin = getattr(match.func, "model_admin", None) if match else None
    if model_admin is None or not match.url_name:
        return
    action = _ADMIN_READS.get(match.url_name.rsplit("_", 1)[-1])
    if action is None:
        return
    model = model_admin.model
    object_id = match.kwargs.get("object_id")
    obj = model._default_manager.filter(pk=unquote(object_id)).first() if object_id else None
    if obj is not None:
        audit_record(actor=request.user, action=action, obj=obj, request=request)
    else:
        audit_record(actor=request.user, action=action, object_type=model._meta.label_lower, request=request)
