"""Staffing proposals: open shifts, candidates ranked by the priority order, and a CP-SAT fill.

Pure core: no Django. Following d-krupke's cpsat-primer, the data (``Instance``, ``Config``,
``Solution``: :mod:`.instance`) is separate from the solvers; every hard rule is a small class
(:mod:`.rules`) that checks one candidate for one shift and builds its CP-SAT constraints; a
solver-independent checker (:mod:`.validation`) lists every breach of any proposal.

Entry points: :func:`.candidates.instance_from_frames` (frames -> instance),
:func:`.rank.rank_shift` (one shift), :func:`.model.solve_cpsat` and
:func:`.greedy.solve_greedy` (many shifts), :func:`.validation.validate_solution`.
"""
