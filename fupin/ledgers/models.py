"""An import started from the web: the uploaded file, its validation report and progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("校验中")
    VALID = "valid", _("校验通过，待确认")
    REJECTED = "rejected", _("校验未通过")
    IMPORTING = "importing", _("导入中")
    DONE = "done", _("已导入")
    FAILED = "failed", _("出错")


class ImportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE, related_name="+"
    )
    ledger = models.CharField(_("台账"), max_length=32)
    filename = models.CharField(_("文件名"), max_length=255)
    # Kept in the database so that a worker on another host can read it.
    content = models.BinaryField(_("文件内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    report = models.JSONField(_("报告"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def running(self) -> bool:
        return self.status in {ImportStatus.VALIDATING, ImportStatus.IMPORTING}
