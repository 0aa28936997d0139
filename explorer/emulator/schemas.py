"""`/{resource}/schema/` bodies in the Tastypie shapes of the documented dumps (`response_*_schema`)."""

from __future__ import annotations

NO_DEFAULT = "No default provided."


def _field(type_: str, help_text: str, *, readonly: bool = False, required: bool = False,
           default=NO_DEFAULT, **extra):
    return {**extra, "default": default, "help_text": help_text, "readonly": readonly, "required": required,
            "type": type_}


def _nfield(type_: str, help_text: str, *, default=NO_DEFAULT, nullable: bool = False, readonly: bool = False,
            blank: bool = False, unique: bool = False):
    """The other field form of the dumps (profile, pricing, subscriptions, jobs): blank/nullable/unique."""
    return {"blank": blank, "default": default, "help_text": help_text, "nullable": nullable, "readonly": readonly,
            "type": type_, "unique": unique}


def _schema(list_methods, detail_methods, fields, filtering=None, ordering=None, default_limit=20) -> dict:
    out = {
        "allowed_detail_http_methods": detail_methods,
        "allowed_list_http_methods": list_methods,
        "default_format": "application/json",
        "default_limit": default_limit,
        "fields": fields,
    }
    if filtering is not None:
        out["filtering"] = filtering
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

REMOTE_SNAPSHOT = _schema(
    ["get", "put", "delete", "post"], ["get", "put", "delete"],
    dict(sorted({
        **SNAPSHOT["fields"],
        "allocated_size": _field("integer", "Physical size of the remote snapshot", readonly=True, required=True),
        "drive_meta": _field("dict", "Meta information of the source drive (media, name, size, src_uuid, "
                             "storage_type)", readonly=True),
        "last_state_change": _field("string", "Timestamp of the last status change", readonly=True),
        "location": _field("string", "Location where the remote snapshot is kept", required=True, default=None),
        "status": _field("string", "Status of the remote snapshot: creating, transferring or available.",
                         readonly=True, required=True),
    }.items())),
    _FILTER,
)

_RUNTIME = {
    "is_downloadable": _field("boolean", "Specifies if the drive can be downloaded", readonly=True),
    "is_ephemeral": _field("boolean", "Specifies if the drive is ephemeral (local storage)", readonly=True),
    "is_snapshotable": _field("boolean", "Specifies if the drive supports snapshotting", readonly=True, required=True),
    "snapshots_allocated_size": _field("integer", "Sum of the allocated size of this drive's snapshots",
                                       readonly=True),
    "storage_type": _field("string", "Underlying storage", readonly=True, required=True),
}

DRIVE = _schema(
    ["get", "put", "delete", "post"], ["get", "put", "delete"],
    {
        "affinities": _field("list", "A list of affinities this drive should belong to", default=[],
                             choices=["ssd"]),
        "allow_multimount": _field("boolean", "Allow the drive to be mounted on multiple guests. Not taken into "
                                   "account when drive is cdrom.", default=False),
        "backup_scheduler": _field("related", "Backup scheduler of the drive", default=None),
        "grantees": _field("list", _LIST),
        "iops": _field("integer", "IOPS limit of the drive; null is the storage type's base (see capabilities)",
                       default=None),
        "jobs": _field("related", "Background jobs related to this resource", readonly=True, required=True),
        "licenses": _field("related", "A list of licenses attached to this drive", default=[]),
        "media": _field("string", "Media representation type", required=True, default=None,
                        choices=["cdrom", "disk"]),
        "meta": _field("dict", "User defined meta information", default={}),
        "mounted_on": _field("related", "Servers on which this drive is mounted on", readonly=True),
        "name": _field("string", "Human readable name of the drive", required=True, default=None),
        "owner": _field("related", "Owner of the drive", readonly=True, default=None),
        "permissions": _field("list", _LIST),
        "remote_snapshots": _field("related", "Remote snapshots of this drive", readonly=True),
        "resource_uri": _field("string", _STR, readonly=True, required=True),
        "runtime": _field("related", "Runtime information of the drive", readonly=True, fields=_RUNTIME),
        "size": _field("integer", "Size of the drive in bytes", required=True, default=None),
        "snapshots": _field("related", "Snapshots of this drive", readonly=True),
        "status": _field("string", "Status of the drive.", readonly=True, required=True),
        "storage_type": _field("string", "Underlying storage", required=True, default="dssd",
                               choices=["dssd", "local_nvme", "magnetic", "nvme", "ssd", "zadara"]),
        "tags": _field("related", _MANY),
        "uuid": _field("string", "UUID of the drive", readonly=True, required=True, default=None),
    },
    _FILTER,
    ordering=["uuid", "name"],
)

TAG = _schema(["get", "post"], ["get", "put", "delete"], {
    "meta": _field("dict", "User defined meta information", default={}),
    "name": _field("string", "Tag name", required=True, default=None),
    "owner": _field("related", "Owner of the tag", readonly=True, default=None),
    "resource_uri": _field("string", _STR, readonly=True, required=True),
    "resources": _field("related", _MANY),
    "uuid": _field("string", "Tag UUID", readonly=True, required=True, default=None),
})

_TIME = 'A date & time as a string. Ex: "2010-11-10T03:07:43"'
_USTR = 'Unicode string data. Ex: "Hello World"'

JOB = _schema(["get"], ["get"], {
    "children": _nfield("related", "Background jobs, initiated by this job.", nullable=True),
    "created": _nfield("datetime", _TIME),
    "data": _nfield("object", "Meta information related to this background job's execution.", nullable=True),
    "last_modified": _nfield("datetime", _TIME),
    "operation": _nfield("string", _USTR, nullable=True),
    "resource_uri": _nfield("string", _USTR, readonly=True),
    "resources": _nfield("list", "Resources linked to this background job.", nullable=True),
    "state": _nfield("string", _USTR, default="started"),
    "uuid": _nfield("string", _USTR, unique=True),
}, {"state": 1}, ordering=["-last_modified"])

PRICING = _schema(["get"], ["get"], {
    "currency": _nfield("string", "The currency of the price", readonly=True),
    "id": _nfield("string", _USTR, default="", unique=True),
    "level": _nfield("integer", "The burst level the price applies to", default=0),
    "multiplier": _nfield("integer", "The multiplier applied to get the price of one unit per second, from the "
                          "unit of the price", readonly=True),
    "price": _nfield("decimal", "Price"),
    "resource": _nfield("string", "The resource the price applies to", readonly=True),
    "unit": _nfield("string", "The unit of the price", readonly=True),
}, {"level": 1}, default_limit=0)

_DICT = "A dictionary of data. Ex: {'price': 26.73, 'name': 'Daniel'}"
BALANCE = _schema(["get"], ["get"], {
    "balance": _field("decimal", "Amount of money in account", readonly=True, required=True),
    "currency": _field("string", "Currency of the account", readonly=True, required=True),
}, _FILTER)
CURRENT_USAGE = _schema(["get"], ["get"], {
    "balance": _field("dict", _DICT, required=True),
    "usage": _field("dict", _DICT, required=True),
}, _FILTER)
CAPABILITIES = {"allowed_methods": ["get"], "help_text": "Various API capabilities. Check documentation for reference"}

SUBSCRIPTION = _schema(["get", "post"], ["get", "post"], {
    "amount": _nfield("string", "Subscription amount", default=1),
    "auto_renew": _nfield("boolean", "States if the subscription will auto renew on expire", default=True),
    "descendants": _nfield("related", "Subscriptions that have been extended from the current one",
                           nullable=True, readonly=True),
    "discount_amount": _nfield("decimal", "Amount of discount", nullable=True, blank=True),
    "discount_percent": _nfield("decimal", "Percent of discount", nullable=True, blank=True),
    "end_time": _nfield("datetime", "End time of subscription", nullable=True),
    "id": _nfield("string", _USTR, default="", unique=True),
    "period": _nfield("string", "Duration of the subscription"),
    "price": _nfield("decimal", "Subscription price", default=0),
    "remaining": _nfield("string", "Amount remaining", nullable=True),
    "resource": _nfield("string", "Name of resource associated with the subscription"),
    "resource_uri": _nfield("string", _USTR, readonly=True),
    "start_time": _nfield("datetime", "Start time of subscription"),
    "status": _nfield("string", "Status of the subscription", readonly=True),
    "subscribed_object": _nfield("string", "Subscribed object - the target of this subscription, if applicable",
                                 nullable=True),
    "uuid": _nfield("string", _USTR, nullable=True, unique=True),
}, {"subscribed_object": ["exact"]})

_BOOL = "Boolean data. Ex: True"
_FIXED = "Fixed precision numeric data. Ex: 26.73"
# name -> (type, default, nullable, readonly); help texts as in the dump.
_PROFILE = {
    "address": ("string", "", False, False), "api_https_only": ("boolean", False, False, False),
    "autotopup_amount": ("decimal", 0, False, False), "autotopup_threshold": ("decimal", 0, False, False),
    "bank_reference": ("string", NO_DEFAULT, True, True), "clone_naming": ("string", "NONE", False, False),
    "company": ("string", "", False, False), "country": ("string", "", False, False),
    "currency": ("string", NO_DEFAULT, True, True), "email": ("string", NO_DEFAULT, False, True),
    "first_name": ("string", "", False, False), "has_autotopup": ("boolean", False, False, False),
    "has_tx_autotopup": ("boolean", False, False, False), "invoicing": ("boolean", True, False, False),
    "key_auth": ("boolean", False, False, False), "language": ("string", "EN", False, False),
    "last_name": ("string", "", False, False), "mailing_list": ("boolean", True, False, False),
    "meta": ("dict", NO_DEFAULT, False, False), "my_notes": ("string", "", True, False),
    "network_restrictions": ("string", "", False, False), "nickname": ("string", "", False, False),
    "phone": ("string", "", False, False), "postcode": ("string", NO_DEFAULT, True, False),
    "reseller": ("string", "", False, False), "signup_time": ("datetime", NO_DEFAULT, False, False),
    "state": ("string", NO_DEFAULT, False, True), "tax_name": ("string", NO_DEFAULT, True, True),
    "tax_rate": ("decimal", NO_DEFAULT, True, True), "title": ("string", "", False, False),
    "town": ("string", "", False, False), "tx_autotopup_amount": ("decimal", 0, False, False),
    "tx_autotopup_threshold": ("decimal", 0, False, False), "uuid": ("string", NO_DEFAULT, False, True),
    "vat": ("string", "", False, False),
}
_HELP = {"string": _USTR, "boolean": _BOOL, "decimal": _FIXED, "dict": _DICT, "datetime": _TIME}
PROFILE = _schema(["get", "put"], ["get", "put"], {
    name: _nfield(t, _HELP[t], default=d, nullable=n, readonly=r, blank=name in ("bank_reference", "currency"))
    for name, (t, d, n, r) in _PROFILE.items()
})
