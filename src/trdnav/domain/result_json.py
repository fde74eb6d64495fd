"""Exact, fast JSON for engine results: the bytes of `model_dump_json()`, built around
pre-serialized parts that do not depend on the person.

The engine's results are mostly made of objects it built once (an option's course, outcomes,
side effects, evidence strength, most findings, the sources). `JsonWriter` serializes each of
those objects once, with pydantic itself, and keeps the bytes by object identity; per request it
only encodes what is new and splices the cached bytes in. The encoders are planned once per
model class from its field annotations, so new fields flow through without edits here; a type
it does not know is handed to pydantic. A property test holds the output byte-equal to
`model_dump_json()` over generated requests.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from typing import Any, Literal, Union

from pydantic import BaseModel, PlainSerializer, TypeAdapter, WrapSerializer
from pydantic_core import to_json

Encoder = Callable[[Any], bytes]


# Strings of shared objects and literal values, by value (so exact). Only text the writer was
# given at start-up is kept: a person's own values are encoded afresh and never retained.
_STRINGS: dict[str, bytes] = {}
_KEYS: dict[str, bytes] = {}


def _encode_str(value: str) -> bytes:
    # Printable text without quote or backslash goes out as it is (isprintable is also false for
    # some characters serde_json leaves alone: those take pydantic's path, which is exact too).
    if value.isprintable() and '"' not in value and "\\" not in value:
        try:
            return b'"' + value.encode() + b'"'
        except UnicodeEncodeError:  # a lone surrogate: let pydantic decide
            pass
    return to_json(value)


def _str(value: str) -> bytes:
    hit = _STRINGS.get(value)
    if hit is not None:
        return hit
    if type(value) is not str:
        return to_json(value)
    return _encode_str(value)


def _remember(value: str) -> None:
    if type(value) is str and value not in _STRINGS:
        _STRINGS[value] = _encode_str(value)


def _key(key: str) -> bytes:
    """A dict key and its colon."""
    hit = _KEYS.get(key)
    return hit if hit is not None else _str(key) + b":"


def _remember_key(key: object) -> None:
    if type(key) is str and key not in _KEYS:
        _KEYS[key] = _encode_str(key) + b":"


def _int(value: int) -> bytes:
    if type(value) is int:
        return str(value).encode()
    return to_json(value)


def _bool(value: bool) -> bytes:
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    return to_json(value)


def _cacheable(annotation: Any) -> bool:
    """Values of this type may be shared objects (models, lists): look them up first."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    inner = _optional_arg(annotation)
    if inner is not None:
        return _cacheable(inner)
    return typing.get_origin(annotation) is list


def _optional_arg(annotation: Any) -> Any:
    """X for `X | None`, else None."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (Union, types.UnionType) and type(None) in args:
        others = [a for a in args if a is not type(None)]
        return others[0] if len(others) == 1 else None
    return None


def _stringy(annotation: Any) -> bool:
    """Strings (also constrained, or one of literal strings): look them up by value first."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _stringy(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is Literal:
        return all(type(a) is str for a in typing.get_args(annotation))
    return annotation is str


_CUSTOM = ("serialization", "serialization_alias", "serialization_exclude", "computed_fields")


def _customised(schema: object, top: bool = True) -> bool:
    """Anything in a model's core schema that changes its JSON from "fields by name" (nested
    models are judged on their own)."""
    if isinstance(schema, dict):
        kind = schema.get("type")
        if kind == "definitions":
            return _customised(schema["schema"], top)
        if kind == "model":
            if not top:
                return False
            top = False
        if any(schema.get(key) for key in _CUSTOM):
            return True
        return any(_customised(v, top) for v in schema.values())
    if isinstance(schema, list | tuple):
        return any(_customised(v, top) for v in schema)
    return False


def _plain_model(cls: type[BaseModel]) -> bool:
    """A model whose JSON is its fields in order, by name, with nothing customised (else the
    whole model is left to pydantic)."""
    config = cls.model_config
    return not (
        _customised(cls.__pydantic_core_schema__)
        or config.get("extra") == "allow"
        or config.get("ser_json_inf_nan", "null") != "null"
        or config.get("ser_json_bytes", "utf8") != "utf8"
        or config.get("ser_json_timedelta", "iso8601") != "iso8601"
        or config.get("serialize_by_alias")
        or config.get("use_enum_values")
    )


class JsonWriter:
    """Writes results of one model class as JSON, reusing the bytes of shared objects."""

    def __init__(self, root: type[BaseModel], shared: Iterable[object] = ()) -> None:
        self._models: dict[type[BaseModel], Encoder] = {}
        self._cache: dict[int, bytes] = {}
        self._keep: list[object] = []  # shared objects stay alive, so their ids stay theirs
        self._root = self._model(root)
        for obj in shared:
            self._share(obj)

    def __call__(self, result: BaseModel) -> bytes:
        return self._root(result)

    # -- shared parts ------------------------------------------------------------------------

    def _share(self, obj: object) -> None:
        if type(obj) is str:
            _remember(obj)
            return
        """Cache the JSON of every result model (and every list of them or of strings) reachable
        from obj through dataclasses, dicts, lists, tuples and plain objects; each is written by
        pydantic, so exact. Shared objects must not change afterwards (the engine's are frozen
        models, and lists nobody mutates)."""
        if id(obj) in self._cache:
            return
        if isinstance(obj, BaseModel):
            if type(obj) not in self._models:  # not a part of results (evidence data)
                return
            self._keep.append(obj)
            self._cache[id(obj)] = obj.model_dump_json().encode()
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                if type(value) is str:
                    _remember(value)
                else:
                    self._share(value)
        elif isinstance(obj, list):
            for item in obj:
                self._share(item)
            if obj and all(isinstance(i, BaseModel) and id(i) in self._cache for i in obj):
                self._keep.append(obj)
                self._cache[id(obj)] = b"[" + b",".join(self._cache[id(i)] for i in obj) + b"]"
            elif all(type(i) is str for i in obj):
                self._keep.append(obj)
                self._cache[id(obj)] = to_json(obj)
        elif isinstance(obj, dict):
            for key, value in obj.items():
                _remember_key(key)
                self._share(value)
        elif isinstance(obj, tuple):
            for item in obj:
                self._share(item)
        elif is_dataclass(obj) and not isinstance(obj, type):
            for f in fields(obj):
                self._share(getattr(obj, f.name))
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            for value in vars(obj).values():
                self._share(value)

    # -- encoders, planned from annotations --------------------------------------------------

    def _encoder(self, annotation: Any) -> Encoder:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            meta = annotation.__metadata__
            if any(isinstance(m, PlainSerializer | WrapSerializer) for m in meta):
                return self._fallback(annotation)
            return self._encoder(args[0])  # constraints only: the JSON is the inner type's
        if annotation is str:
            return _str
        if annotation is int:
            return _int
        if annotation is bool:
            return _bool
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self._model(annotation)
        if origin is Literal and all(type(a) is str for a in args):
            for a in args:
                _remember(a)
            return _str
        if _optional_arg(annotation) is not None:
            inner = self._encoder(_optional_arg(annotation))
            return lambda v: b"null" if v is None else inner(v)
        if origin is list and len(args) == 1:
            item = self._encoder(args[0])
            cache_get = self._cache.get
            shared_items = _cacheable(args[0])

            def encode_list(v: Any) -> bytes:
                hit = cache_get(id(v))
                if hit is not None:
                    return hit
                if type(v) is not list:
                    return to_json(v)
                if shared_items:
                    return b"[" + b",".join([cache_get(id(x)) or item(x) for x in v]) + b"]"
                return b"[" + b",".join([item(x) for x in v]) + b"]"

            return encode_list
        if origin is dict and len(args) == 2 and args[0] is str:
            value = self._encoder(args[1])
            cache_get = self._cache.get

            def encode_dict(v: Any) -> bytes:
                if type(v) is not dict:
                    return to_json(v)
                items = [_key(k) + (cache_get(id(x)) or value(x)) for k, x in v.items()]
                return b"{" + b",".join(items) + b"}"

            return encode_dict
        return self._fallback(annotation)

    def _fallback(self, annotation: Any) -> Encoder:
        dump = TypeAdapter(annotation).dump_json
        return lambda v: dump(v)

    def _model(self, cls: type[BaseModel]) -> Encoder:
        known = self._models.get(cls)
        if known is not None:
            return known
        cache = self._cache
        if not _plain_model(cls):

            def pydantic_dump(v: Any) -> bytes:
                hit = cache.get(id(v))
                return hit if hit is not None else v.model_dump_json().encode()

            self._models[cls] = pydantic_dump
            return pydantic_dump
        # Planned as generated code: one expression per field, the cache checked inline for
        # model and list values (most of them are shared), and one join per object.
        self._models[cls] = lambda v: self._models[cls](v)  # models may refer to themselves
        env: dict[str, Any] = {
            "cls": cls,
            "cache_get": cache.get,
            "strings_get": _STRINGS.get,
            "TypeAdapter": TypeAdapter,
        }
        parts = []
        for i, (name, field) in enumerate(cls.model_fields.items()):
            annotation = field.annotation
            env[f"k{i}"] = (b"{" if i == 0 else b",") + to_json(name) + b":"
            env[f"e{i}"] = self._encoder(annotation)
            v, e = f"v.{name}", f"e{i}({'v.' + name})"
            if _cacheable(annotation):
                fast = f"(cache_get(id({v})) or {e})"
            elif annotation is int:
                fast = f"(str({v}).encode() if type({v}) is int else {e})"
            elif annotation is bool:
                fast = f"(b'true' if {v} is True else b'false' if {v} is False else {e})"
            elif _stringy(annotation):
                fast = f"(strings_get({v}) or {e})"
            else:
                fast = e
            parts.append(f"k{i}, {fast}")
        body = ", ".join(parts) + ', b"}"' if parts else 'b"{}"'
        source = (
            "def encode(v):\n"
            "    if type(v) is not cls:  # a subclass or another type: pydantic's own rules\n"
            "        return bytes(TypeAdapter(cls).dump_json(v))\n"
            "    hit = cache_get(id(v))\n"
            "    if hit is not None:\n"
            "        return hit\n"
            f"    return b''.join(({body}))\n"
        )
        exec(compile(source, f"<json writer for {cls.__name__}>", "exec"), env)
        self._models[cls] = env["encode"]
        return self._models[cls]
