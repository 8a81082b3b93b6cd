"""Every model of the book by name: the chapter's, the ablation's variants, the remedies, the conv GAN."""
from __future__ import annotations

from . import ablation, conv_gan, remedies
from .models import FIRST_GAN, IMPROVED_GAN, Arm


def all_models() -> dict[str, Arm]:
    """Every model of the book, keyed by checkpoint prefix, in the order the book meets them."""
    arms = [FIRST_GAN, IMPROVED_GAN, *ablation.VARIANTS.values(), *remedies.REMEDIES.values(), conv_gan.CONV_GAN]
    return {arm.prefix: arm for arm in arms}
