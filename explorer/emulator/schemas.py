"""`/{resource}/schema/` bodies in the Tastypie shape the real API serves."""

from __future__ import annotations


def _field(type_: str, help_text: str, *, readonly: bool = False, required: bool = False,
           default="No default provided."):
    return {"default": default, "help_text": help_text, "readonly": readonly, "required": required, "type": type_}


def _schema(list_methods, detail_methods, fields, filtering, ordering=None, default_limit=20) -> dict:
    out = {
        "allowed_detail_http_methods": detail_methods,
        "allowed_list_http_methods": list_methods,
        "default_format": "application/json",
        "default_limit": default_limit,
        "fields": fields,
        "filtering": filtering,
    }
    if ordering:
        out["ordering"] = ordering
    return out


_LIST = "A list of data. Ex: ['abc', 26.73, 8]"
_MANY = "Many related resources. Can be either a list of URIs or list of individually nested resource data."
_STR = 'Unicode string data. Ex: "Hello World"'
_FILTER = {"name": "exact", "name__contains": "exact", "tag": "exact", "uuid": "exact"}

SNAPSHOT = _schema(
    ["get", "put", "delete", "post"], ["get", "put", "delete"],
    {
        "allocated_size": _field("integer", "Physical size of the snapshot", readonly=True, required=True),
        "drive": _field("related", "Drive UUID", required=True, default=None),
        "grantees": _field("list", _LIST),
        "meta": _field("dict", "User defined meta information", default={}),
        "name": _field("string", "Optional human readable name of the snapshot", default=None),
        "owner": _field("related", "Owner of the snapshot", readonly=True, default=None),
        "permissions": _field("list", _LIST),
        "resource_uri": _field("string", _STR, readonly=True, required=True),
        "status": _field("string", "Status of the snapshot.", readonly=True, required=True),
        "tags": _field("related", _MANY),
        "timestamp": _field("string", "Timestamp of the snapshot creation", readonly=True, required=True, default=None),
        "uuid": _field("string", "UUID of the snapshot", readonly=True, required=True, default=None),
    },
    _FILTER,
)

DRIVE = _schema(
    ["get", "post", "put", "delete"], ["get", "put", "delete"],
    {
        "affinities": _field("list", "A list of affinities", default=[]),
        "allow_multimount": _field("boolean", "Allow the drive to be mounted on multiple servers", default=False),
        "backup_scheduler": _field("related", "Backup scheduler of the drive", default=None),
        "grantees": _field("list", _LIST),
        "jobs": _field("related", "Background jobs related to this resource", readonly=True),
        "licenses": _field("list", "A list of licenses attached to this drive", default=[]),
        "media": _field("string", "Media representation type. Choices: cdrom, disk", required=True),
        "meta": _field("dict", "User defined meta information", default={}),
        "mounted_on": _field("related", "Servers on which this drive is mounted", readonly=True),
        "name": _field("string", "Human readable name of the drive", required=True),
        "owner": _field("related", "Owner of the drive", readonly=True, default=None),
        "permissions": _field("list", _LIST),
        "remote_snapshots": _field("related", "Remote snapshots of this drive", readonly=True),
        "resource_uri": _field("string", _STR, readonly=True, required=True),
        "runtime": _field("related", "Runtime information of the drive", readonly=True),
        "size": _field("integer", "Size of the drive in bytes", required=True),
        "snapshots": _field("related", "Snapshots of this drive", readonly=True),
        "status": _field("string", "Drive status", readonly=True, required=True),
        "storage_type": _field("string", "Storage type. Choices: dssd, zadara, nvme, local_nvme", default="dssd"),
        "tags": _field("related", _MANY),
        "uuid": _field("string", "UUID of the drive", readonly=True, required=True, default=None),
    },
    _FILTER,
    ordering=["uuid", "name"],
)
