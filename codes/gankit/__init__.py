"""gankit: the library below the listings of section 2.3.2, so the listings show only the ideas.

Like d2l's ``d2l/torch.py``: each piece lives here once, and nothing here
imports a listing (``codes/chapter_2_3_2_*.py``) or an experiment
(``codes/experiments``); a test enforces it. What the listings use:

- ``load_mnist``                 MNIST from CSV, IDX files, torchvision or the built-in subset (listing 02)
- ``use_device``, ``set_seed``   CUDA, then Apple MPS, then CPU; one 随机数种子 for everything
- ``start``, ``Run``            a run's settings, resolved once from the command line; ``report`` prints them
- ``Run.epochs``                the epochs still to train: checkpoints, resuming, progress, the fast engine
- ``progress``, ``train_run``, ``train_gan_epochs``   progress bars; training for the experiments
- ``save_figure``, ``plot_loss``, ``plot_images``      figures, registered in ``gankit.catalog``
- ``record_metrics``             measured numbers the book quotes (``results/chapter_metrics.json``)

Modules imported on demand: ``fast`` (numba training engine), ``collapse`` (variety
ratio), ``diagrams`` (figures 2-58, 2-59, 2-61), ``classifier``, ``metrics`` and
``scorecard`` (the score card), ``tables`` (results as tables), ``storage`` (atomic files).
"""
from . import cpu  # noqa: F401  (first: pins the CPU math libraries before any computation)
from .checkpoints import CheckpointError, Checkpoints
from .cli import parse_args, quick_mode, report, start
from .data import DataError, MnistData, load_mnist, source_description
from .device import DeviceError, choose_device, set_seed, use_device
from .figures import plot_images, plot_loss, save_figure
from .paths import CHECKPOINT_DIR, PROJECT_ROOT, figure_dir, results_dir
from .results import mean_of_last, moving_average, read_metrics, record_metrics
from .runs import RunName
from .training import (ENGINE_HELP, DivergedError, EngineError, LoopError, Run, TrainingOptions, progress, run_name,
                       train_epochs, train_gan_epochs, train_run)

MSE_EQUILIBRIUM = 0.25  # D outputs 0.5 for everything: (1 - 0.5)^2
BCE_EQUILIBRIUM = 0.6931471805599453  # -ln(0.5) = ln 2
