"""ninja_viewsets._fields: how one model field becomes a schema field (the rules a derived
schema checks as the model does): which fields are writable, each field's type, default and
constraints, Django's validators with their messages, files as uploads in and URLs out."""

from __future__ import annotations

import decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja import Schema, UploadedFile
from pydantic import TypeAdapter, ValidationError, create_model

from ninja_viewsets._fields import (
    FileURL,
    _input_field,
    _output_field,
    file_fields,
    writable_fields,
)
from tests.schemasapp.models import Attachment, Gadget


def input_model(model, *names):
    fields = {n: _input_field(model._meta.get_field(n)) for n in names}
    return create_model(f"{model.__name__}TestIn", __base__=Schema, **fields)


def errors_of(model, **values) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(values)
    return {str(e["loc"][0]): e["msg"] for e in caught.value.errors()}


def test_the_writable_fields_leave_out_what_a_client_cannot_set():
    names = [f.name for f in writable_fields(Gadget)]
    assert "id" not in names  # an automatic key
    assert "secret" not in names  # editable=False
    assert "created" not in names and "updated" not in names  # auto_now(_add): not editable
    assert {"maker", "name", "code", "status", "price", "rating"} <= set(names)


def test_lengths_choices_and_django_validators_are_checked_as_the_model_does():
    model = input_model(Gadget, "name", "code", "status", "rating", "even", "email")
    valid = {"name": "n", "code": "AB", "status": "live", "rating": 3, "email": ""}
    assert model.model_validate(valid).even == 0  # the model's default
    found = errors_of(
        model, name="x" * 21, code="ab", status="gone", rating=9, even=3, email="not-an-email"
    )
    assert found["name"] == "String should have at most 20 characters"
    assert found["code"] == "Enter a valid value."
    assert found["status"] == "Input should be 'draft' or 'live'"
    assert found["rating"] == "Input should be less than or equal to 5"  # a constraint: in OpenAPI
    assert found["even"] == "3 is not even."
    assert found["email"] == "Enter a valid email address."


def test_a_required_string_may_not_be_blank_and_a_blank_one_defaults_to_empty():
    model = input_model(Gadget, "name", "notes", "nickname")
    assert "name" in errors_of(model, name="")
    parsed = model.model_validate({"name": "n"})
    assert (parsed.notes, parsed.nickname) == ("", None)  # blank: ""; null: None


def test_a_decimal_keeps_its_digits():
    model = input_model(Gadget, "price")
    assert model.model_validate({"price": "12.50"}).price == decimal.Decimal("12.50")
    assert "price" in errors_of(model, price="1234.5")  # max_digits=5, decimal_places=2


def test_a_foreign_key_is_accepted_by_its_name_or_its_column():
    model = input_model(Gadget, "maker")
    assert model.model_validate({"maker": 3}).maker == 3
    assert model.model_validate({"maker_id": 3}).maker == 3


def test_files_are_uploads_in_and_urls_out():
    model = input_model(Attachment, "title", "document", "image")
    assert file_fields(model) == ["document", "image"]
    upload = SimpleUploadedFile("a.txt", b"hello")
    parsed = model.model_validate({"title": "t", "document": upload})
    assert isinstance(parsed.document, UploadedFile | SimpleUploadedFile) and parsed.image is None
    annotation, _ = _output_field(Attachment._meta.get_field("document"))
    url = TypeAdapter(annotation)
    assert url.validate_python("/media/documents/a.txt") == "/media/documents/a.txt"
    assert url.validate_python(None) is None  # no file stored (Ninja reads it as None)


def test_a_file_url_is_absolute_for_a_request(rf):
    request = rf.get("/api/attachments/")
    url = TypeAdapter(FileURL).validate_python("/media/a.txt", context={"request": request})
    assert url == "http://testserver/media/a.txt"


def test_output_choices_are_documented_as_an_enum():
    annotation, _ = _output_field(Gadget._meta.get_field("priority"))
    schema = TypeAdapter(annotation).json_schema()
    assert {"type": "integer", "enum": [1, 2]} in schema["anyOf"]
