"""Forms of the people pages: input widgets and quick checks; the services decide."""

from django import forms

from andon.core.pages import DATE
from andon.people.models import Certification, Skill, Worker, WorkerCertification


class SkillForm(forms.ModelForm[Skill]):
    class Meta:
        model = Skill
        fields = ["code", "name"]


class CertificationForm(forms.ModelForm[Certification]):
    class Meta:
        model = Certification
        fields = ["code", "name", "validity_months"]


class WorkerForm(forms.ModelForm[Worker]):
    class Meta:
        model = Worker
        fields = ["code", "name", "shift", "hourly_rate", "badge", "active"]


class CertificateForm(forms.ModelForm[WorkerCertification]):
    class Meta:
        model = WorkerCertification
        fields = ["certification", "issued_on", "expires_on"]
        widgets = {"issued_on": DATE, "expires_on": DATE}
        help_texts = {"expires_on": "Empty: the certification's usual validity."}


LEVEL_CHOICES = [
    (0, "—"),
    (1, "1 learning"),
    (2, "2"),
    (3, "3 independent"),
    (4, "4"),
    (5, "5 trainer"),
]


class SkillLevelsForm(forms.Form):
    """One level select per skill in the plant; '—' means the worker does not have it."""

    def __init__(
        self, *args: object, skills: list[Skill], levels: dict[int, int], **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for skill in skills:
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=f"{skill.code} · {skill.name}",
                choices=LEVEL_CHOICES,
                coerce=int,
                initial=levels.get(skill.pk, 0),
            )
        self.skills = skills

    def levels(self) -> dict[str, int]:
        """`{skill code: level}` for the skills given a level."""
        return {
            skill.code: self.cleaned_data[f"skill_{skill.pk}"]
            for skill in self.skills
            if self.cleaned_data.get(f"skill_{skill.pk}")
        }
