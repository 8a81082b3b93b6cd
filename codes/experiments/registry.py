"""Every model of the book by name: the chapter's, the ablation's variants, the remedies, the conv GANs."""
from __future__ import annotations

import manifest

from . import ablation, conv_gan, remedies
from .models import FIRST_GAN, IMPROVED_GAN, Arm, book_arm


def all_models() -> dict[str, Arm]:
    """Every model of the book, keyed by checkpoint prefix, in the order the book meets them; a model
    of the manifest that no experiment trains joins at the end."""
    arms = [FIRST_GAN, IMPROVED_GAN, *ablation.VARIANTS.values(), *remedies.REMEDIES.values(),
            *conv_gan.INGREDIENTS, conv_gan.WIDE, conv_gan.CONDITIONAL, conv_gan.CONV_GAN]
    models = {arm.prefix: arm for arm in arms}
    for model in manifest.GANS.values():
        models.setdefault(model.run, book_arm(model, model.name, model.label, model.label))
    return models
