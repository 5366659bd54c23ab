from __future__ import annotations

from django import forms

from fupin.areas.models import Area
from fupin.core.web import StyledForm


class AreaForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    is_poor_village = forms.BooleanField(label="贫困村", required=False)
    longitude = forms.DecimalField(
        label="经度", max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )
    latitude = forms.DecimalField(
        label="纬度", max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_area(cls, area: Area) -> AreaForm:
        return cls(
            initial={
                "name": area.name,
                "is_poor_village": area.is_poor_village,
                "longitude": area.longitude,
                "latitude": area.latitude,
                "version": area.version,
            }
        )
