"""Experiments: the layer above the listings, which trains, scores and compares their models.

``gankit`` (below) never imports the listings; the listings use ``gankit``; the
experiments import both:

- ``models``    every model of the book by name (first GAN, improved GAN, ablation variants, remedies)
- ``grid``      one runner: models x 随机数种子 in parallel processes, saved as it goes, scored
- ``ablation``  the first and improved GAN over seeds, and the five fixes one at a time
- ``remedies``  remedies for mode collapse (section 8), against a goal
- ``evaluate``  score cards of trained checkpoints (``make evaluate``)
- ``hopping``   the digit the first GAN draws after each epoch (mode hopping, figure 2-71)
- ``conv_gan``  the convolutional GAN of section 9 (listing 11): 随机数种子, CPU time, score cards
- ``samples``   n samples of any trained generator of the book as a .npy file (``make samples``)

Run them from the project root with ``PYTHONPATH=codes python -m experiments.<name>``
(the Makefile's ``make ablation``, ``make remedies``, ``make evaluate``, ``make hopping``,
``make conv-gan``, ``make samples``).
"""
