# Everything a reader does, one target each. Settings come from the environment:
#   GANBOOK_DATA=/path/to/mnist   MNIST source (a CSV, an IDX folder, download, builtin)
#   GANBOOK_DEVICE=auto|cuda|mps|cpu   GANBOOK_SEED=0   GANBOOK_QUICK=1 (built-in data, for CI)
#   Values (RUN=, MODEL=, N=, OUT=, SEED=) reach the programs through the environment, quoted by
#   the shell as "$$VAR", never pasted into a command's text: any file name works, none runs.
PYTHON ?= python3
export PYTHONPATH := $(CURDIR)/codes:$(PYTHONPATH)
export RUN MODEL N OUT SEED
# REFERENCE=1 (maintainers only): the full MNIST with seed 0 rewrites the book's own figures, results,
# notebooks and widget weights; without it every run, that one too, writes under _build/runs/.
ifneq ($(REFERENCE),)
export GANBOOK_REFERENCE := 1
endif

.PHONY: help install figures widgets bench profile-conv bench-widgets book pdf test classifier evaluate ablation remedies hopping conv-gan samples clean

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

install: ## install the pinned Python packages
	$(PYTHON) -m pip install -r requirements.txt

figures: ## train what is missing, run the notebooks, regenerate the figures (RETRAIN=1 retrains), make widgets, compare with the book (REFERENCE=1: rewrite the book's reference)
	$(PYTHON) tools/make_figures.py $(if $(RETRAIN),--retrain,)
	$(PYTHON) tools/export_generators.py
	$(PYTHON) tools/build_train_widget.py
	$(PYTHON) tools/compare_run.py

widgets: ## export the trained generators' weights for the book's interactive widgets (_static/widgets/); assemble the 训练 widget
	$(PYTHON) tools/export_generators.py
	$(PYTHON) tools/build_train_widget.py

bench: ## speed of one training step: listing code against the fast engine, then every model on every engine and device here (RECORD=1 records both for the book)
	$(PYTHON) bench/bench_training.py $(if $(RECORD),--record,)
	$(PYTHON) bench/bench_devices.py $(if $(RECORD),--record,)

profile-conv: ## where one training step of listing 11 spends its CPU time, and what each ingredient and speed-up costs (about 1 min)
	$(PYTHON) bench/profile_conv_step.py

bench-widgets: ## speed in Chromium: the widgets' 数一数 (this gan_widgets.js beside an earlier one from git); the 训练 widget beside the fast engine
	$(PYTHON) bench/widgets_count.py
	$(PYTHON) bench/widgets_train.py

book: ## build the HTML book (warnings are errors; RUN=<name> builds a run of _build/runs); never retrains
	$(PYTHON) tools/build_book.py $${RUN:+--run "$$RUN"}

pdf: ## the chapter as a print-ready PDF, _build/pdf/ (XeLaTeX; the Debian packages are in .ci/run)
	$(PYTHON) tools/make_pdf.py

test: ## the test suite, notebooks included (nbval)
	$(PYTHON) -m pytest

classifier: ## train the digit classifier used by the score card
	$(PYTHON) -m gankit.classifier

evaluate: ## score trained generators with the classifier-based score card
	$(PYTHON) -m experiments.evaluate

ablation: ## seeds and the ablation of the five fixes (about 25 min on 2 free cores, full MNIST)
	$(PYTHON) -m experiments.ablation

remedies: ## "going further": remedies for mode collapse, several seeds, scored (listing 10)
	$(PYTHON) -m experiments.remedies

hopping: ## the digit the first GAN draws after each epoch, seeds 0-4 (figure 2-71; about 13 min CPU)
	$(PYTHON) -m experiments.hopping

conv-gan: ## the convolutional GAN (listing 11): 3 seeds of 8 epochs, seed 0 on to 16, then without spectral norm, with three more ingredients, with twice the channels in G, and a conditional GAN (3 seeds each; the wide G's seed 0 on to 16), about 4.5 CPU-hours (the 3 seeds alone: python -m experiments.conv_gan --groups seeds without-average)
	$(PYTHON) -m experiments.conv_gan

samples: ## MODEL=<name> N=<n> OUT=<file.npy> [SEED=0]: n samples of a trained generator (n x 784, numpy.save), trained first if missing; no MODEL: the names
	$(PYTHON) -m experiments.samples $${MODEL:+--model "$$MODEL"} $${N:+-n "$$N"} $${OUT:+--out "$$OUT"} $${SEED:+--seed "$$SEED"}

clean: ## remove build outputs (keeps checkpoints)
	rm -rf _build
