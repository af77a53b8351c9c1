"""Who may see and do what. Read helpers return only what the user may see and raise
NotFound otherwise, so one customer can never tell another's request exists."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from supportdesk.customers.models import Contact
from supportdesk.staff.models import StaffMember, StaffRole
from supportdesk.staff.permissions import ActionDenied as ActionDenied  # re-exported
from supportdesk.tickets.models import Attachment, MessageKind, Request


class NotFound(LookupError):
    pass


def staff_member(user: User) -> StaffMember | None:
    try:
        return user.staff
    except StaffMember.DoesNotExist:
        return None


def is_staff(user: User) -> bool:
    return user.is_active and staff_member(user) is not None


def is_lead(user: User) -> bool:
    member = staff_member(user)
    return user.is_active and member is not None and member.role == StaffRole.LEAD


def contact_of(user: User) -> Contact | None:
    try:
        contact = user.contact
    except Contact.DoesNotExist:
        return None
    return contact if contact.is_active and user.is_active else None


def visible_requests(user: User) -> QuerySet[Request]:
    """Staff see every request; a customer admin their organization's; a contact their own."""
    requests = Request.objects.all()
    if is_staff(user):
        return requests
    contact = contact_of(user)
    if contact is None:
        return requests.none()
    if contact.is_customer_admin:
        return requests.filter(organization_id=contact.organization_id)
    return requests.filter(contact=contact)


def get_request(user: User, request_id: int) -> Request:
    request = (
        visible_requests(user)
        .select_related("organization", "contract", "contact", "policy_version__plan")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound(f"no request {request_id}")
    return request


def get_attachment(user: User, attachment_id: int) -> Attachment:
    """A file on a request the user sees; a customer sees only those on public messages.
    The API, the portal and the workspace download through this one rule."""
    attachments = Attachment.objects.filter(message__request__in=visible_requests(user))
    if not is_staff(user):
        attachments = attachments.filter(message__kind=MessageKind.PUBLIC)
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(f"no attachment {attachment_id}")
    return attachment


def require_staff(user: User) -> None:
    if not is_staff(user):
        raise ActionDenied(_("Only support staff may do this."))


def require_customer_of(user: User, request: Request) -> Contact:
    """The acting contact, who must belong to the request's organization and see it."""
    contact = contact_of(user)
    if contact is None or contact.organization_id != request.organization_id:
        raise ActionDenied(_("Only the customer may do this."))
    if not contact.is_customer_admin and contact.pk != request.contact_id:
        raise ActionDenied(_("Only the requester or a customer admin may do this."))
    return contact
