"""GET /me, /admins, /tags, /teams, /segments, /data_attributes: unpaginated lists."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, bad_request
from .request import ApiContext, ApiRequest
from .versions import adapt, before_2_16


def me(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    admin = ctx.ws.admins[ctx.ws.first_admin_id]
    keys = ("type", "id", "name", "email", "job_title", "away_mode_enabled", "away_mode_reassign",
            "has_inbox_seat", "team_ids")  # fmt: skip
    return {key: admin[key] for key in keys} | {
        "avatar": {"type": "avatar", "image_url": admin["avatar"]},
        "email_verified": True,
        "app": ctx.ws.app,
    }


def admins(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    shown = []
    for admin in ctx.ws.admins.values():
        item = adapt("admin", dict(admin), req.version)
        # 2.16: "avatar ... only returned when display_avatar=true" (listAdmins parameter).
        if not before_2_16(req.version) and not req.flag("display_avatar"):
            item.pop("avatar")
        shown.append(item)
    return {"type": "admin.list", "admins": shown}


def tags(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    return {"type": "list", "data": [dict(tag) for tag in ctx.ws.tags.values()]}


def teams(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    return {"type": "team.list", "teams": [dict(team) for team in ctx.ws.teams.values()]}


def segments(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    shown = []
    for number, segment in enumerate(ctx.ws.segments.values(), start=1):
        item = dict(segment)
        if req.flag("include_count"):
            item["count"] = len(ctx.ws.contacts) // (number + 1)
        shown.append(item)
    return {"type": "segment.list", "segments": shown, "pages": {}}


def data_attributes(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    model = req.query.get("model")
    models = (
        ("contact", "company", "conversation")
        if before_2_16(req.version)
        else ("contact", "company")
    )
    if model == "conversation" and not before_2_16(req.version):
        message = (
            "model=conversation is no longer supported. Use GET /conversations/attributes instead"
        )
        raise ApiError(422, "parameter_invalid", message)
    if model is not None and model not in models:
        raise bad_request(f"model must be one of {', '.join(models)}")
    wanted = (model,) if model else models
    include_archived = req.flag("include_archived")
    shown = [
        dict(attribute)
        for attribute in ctx.ws.data_attributes
        if attribute["model"] in wanted and (include_archived or not attribute["archived"])
    ]
    return {"type": "list", "data": shown}
