"""Organizations, contacts and contracts. Staff see all; a customer their own organization,
its contacts and its contracts."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from supportdesk.api import reads, render
from supportdesk.api.auth import acting_user
from supportdesk.api.schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    ContactOut,
    ContactPage,
    ContractOut,
    ContractPage,
    Id,
    OrganizationOut,
    OrganizationPage,
    PageQuery,
)
from supportdesk.contracts.reads import catalogue

router = Router(tags=["directory"])


@router.get("/organizations", response={200: OrganizationPage, **LIST_ERRORS})
def list_organizations(request: HttpRequest, page: Query[PageQuery]) -> OrganizationPage:
    rows = reads.visible_organizations(acting_user(request)).order_by("name", "id")
    return OrganizationPage(
        count=rows.count(),
        limit=page.limit,
        offset=page.offset,
        items=[render.organization(row) for row in rows[page.offset : page.offset + page.limit]],
    )


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, **READ_ERRORS})
def get_organization(request: HttpRequest, organization_id: Id) -> OrganizationOut:
    return render.organization(reads.get_organization(acting_user(request), organization_id))


@router.get("/contacts", response={200: ContactPage, **LIST_ERRORS})
def list_contacts(request: HttpRequest, page: Query[PageQuery]) -> ContactPage:
    rows = reads.visible_contacts(acting_user(request)).order_by("organization_id", "name", "id")
    return ContactPage(
        count=rows.count(),
        limit=page.limit,
        offset=page.offset,
        items=[render.contact(row) for row in rows[page.offset : page.offset + page.limit]],
    )


@router.get("/contacts/{contact_id}", response={200: ContactOut, **READ_ERRORS})
def get_contact(request: HttpRequest, contact_id: Id) -> ContactOut:
    return render.contact(reads.get_contact(acting_user(request), contact_id))


@router.get("/contracts", response={200: ContractPage, **LIST_ERRORS})
def list_contracts(request: HttpRequest, page: Query[PageQuery]) -> ContractPage:
    rows = reads.visible_contracts(acting_user(request)).order_by("organization_id", "number")
    definitions = catalogue()
    return ContractPage(
        count=rows.count(),
        limit=page.limit,
        offset=page.offset,
        items=[
            render.contract(row, definitions)
            for row in rows[page.offset : page.offset + page.limit]
        ],
    )


@router.get("/contracts/{contract_id}", response={200: ContractOut, **READ_ERRORS})
def get_contract(request: HttpRequest, contract_id: Id) -> ContractOut:
    return render.contract(reads.get_contract(acting_user(request), contract_id))
