"""gankit: the plumbing behind section 2.3.2 of the book, so the listings show only the ideas.

Like d2l's ``d2l/torch.py``: each piece lives here once and says which listing
uses it. The listings ``codes/chapter_2_3_2_01.py`` ... import it as ``gankit``.

- ``load_mnist``           MNIST from CSV, IDX files, torchvision or the built-in subset (listing 02)
- ``use_device``, ``set_seed``  CUDA, then Apple MPS, then CPU; one seed for everything
- ``parse_args``, ``report``   the flags every listing shares and the line it prints
- ``progress``, ``train_epochs``, ``Checkpoints``   progress bars, checkpoints, resuming
- ``save_figure``, ``plot_loss``, ``plot_images``   figures written to ``_static/2/2.3``
- ``train_gan_epochs``     listing 08's loop, or the same math fused and compiled (``gankit.fast``)
- ``record_metrics``       measured numbers the book quotes (``results/chapter_metrics.json``)

Modules imported on demand: ``fast`` (numba training engine), ``collapse`` (variety
ratio, figure 2-65), ``diagrams`` (figures 2-58, 2-59, 2-61), ``classifier`` and
``evaluate`` (the score card), ``ablation`` (seeds and the five fixes one by one).
"""
from .cli import EngineError, parse_args, quick_mode, report, run_name
from .data import DataError, MnistData, load_mnist
from .device import DeviceError, choose_device, set_seed, use_device
from .figures import plot_images, plot_loss, save_figure
from .paths import CHECKPOINT_DIR, FIGURE_DIR, PROJECT_ROOT, RESULTS_DIR
from .training import CheckpointError, Checkpoints, progress, train_epochs

MSE_EQUILIBRIUM = 0.25  # D outputs 0.5 for everything: (1 - 0.5)^2
BCE_EQUILIBRIUM = 0.6931471805599453  # -ln(0.5) = ln 2
from .engines import ENGINE_HELP, figure_names, train_gan_epochs
from .results import mean_of_last, moving_average, read_metrics, record_metrics
