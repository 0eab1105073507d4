"""Models whose derived schemas must validate as the model does (tests/test_schemas.py)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


def validate_even(value: int) -> None:
    if value % 2:
        raise ValidationError("%(value)s is not even.", code="odd", params={"value": value})


class Maker(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Gadget(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        HIGH = 2, "High"

    maker = models.ForeignKey(Maker, related_name="gadgets", on_delete=models.CASCADE)
    name = models.CharField(max_length=20, unique=True)
    code = models.CharField(max_length=8, validators=[RegexValidator(r"^[A-Z]+\Z")])
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    priority = models.IntegerField(choices=Priority, null=True, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    price = models.DecimalField(max_digits=5, decimal_places=2)
    rating = models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    even = models.IntegerField(default=0, validators=[validate_even])
    notes = models.TextField(blank=True)
    nickname = models.CharField(max_length=20, null=True, blank=True)
    secret = models.CharField(max_length=10, editable=False, default="s")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["maker", "code"], name="gadget_maker_code_unique")
        ]

    @property
    def maker_label(self) -> str:
        """A property that reads a relation (a lazy load when not planned)."""
        return f"{self.maker.name} #{self.maker_id}"


class Ticket(models.Model):
    """Another ``Status`` enum, with other values: never documented as the gadget's."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    status = models.CharField(max_length=10, choices=Status)
    title = models.CharField(max_length=50)


class Attachment(models.Model):
    title = models.CharField(max_length=50)
    document = models.FileField(upload_to="documents/")
    image = models.ImageField(upload_to="images/", blank=True)
