"""What the book runs: profiles (how big) and sections (which experiments), each a list of configs per seed.

`smoke` is for tests and CI (seconds), `quick` runs the whole book on a 2-core CPU in minutes, `paper` is
the paper's exact setup (Table II) with several seeds, PyTorch's default ("Kaiming uniform") initialisation
and fp32 (CIFAR-10: bf16 mixed precision), accumulated on a CPU across sessions. How the configs are trained
is `sweep`'s business. Light on purpose (no torch, no pandas): the command line's `--help` reads the profiles
and sections from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .config import INITS, PRECISIONS, RunConfig, check_choice, check_positive, default_warmup, make_config
from .datasets import ACCURACY_SECTIONS, DATASET_SPECS, DATASETS, IN_PAPER, SIZE_SECTION


@dataclass(frozen=True)
class Profile:
    """How big each experiment is: batch sizes, epochs and subset sizes per data set, and default seeds."""

    name: str
    batch_sizes: dict[str, tuple[int, ...]]
    epochs: dict[str, int] = field(default_factory=dict)  # missing: the paper's epochs
    n_train: dict[str, int] = field(default_factory=dict)  # missing: the whole training set
    n_test: dict[str, int] = field(default_factory=dict)
    seeds: int = 1
    section_seeds: dict[str, int] = field(default_factory=dict)  # sections with another default number of seeds
    ablation_batch_sizes: tuple[int, ...] = (32, 128, 512)  # Table V
    cifar_ablation_batch_sizes: tuple[int, ...] = (256, 512, 1024)
    dataset_size_n: tuple[int, ...] = (2_000, 5_000, 20_000)  # extra N for the B* ∝ N^k fit
    weights_batch_sizes: tuple[int, ...] = (32, 256, 512)  # runs whose weights the analyses load
    init: str = "he-uniform"  # config.INITS; one reading of Table VIII for every network
    precision: dict[str, str] = field(default_factory=dict)  # missing: fp32
    max_warmup_epochs: int | None = None  # a short profile's cap on warmup, so that it never fills the training
    # The initialisation and precision checks: reduced sizes, the B where the question matters, both values.
    check_batch_sizes: dict[str, tuple[int, ...]] = field(default_factory=lambda: {"mnist": (32, 128),
                                                                                  "cifar10": (32, 256)})
    check_epochs: dict[str, int] = field(default_factory=lambda: {"mnist": 2, "cifar10": 3})
    check_n_train: dict[str, int] = field(default_factory=lambda: {"mnist": 12_000, "cifar10": 10_000})
    check_n_test: dict[str, int] = field(default_factory=dict)  # missing: the whole test set

    def precision_of(self, dataset: str) -> str:
        """The precision this profile trains `dataset` in."""
        return self.precision.get(dataset, "fp32")

    def config(self, dataset: str, batch_size: int, seed: int, **overrides) -> RunConfig:
        fields = dict(epochs=self.epochs.get(dataset), n_train=self.n_train.get(dataset),
                      n_test=self.n_test.get(dataset), init=self.init, precision=self.precision_of(dataset))
        fields.update(overrides)
        if self.max_warmup_epochs is not None:
            warmup = fields.get("warmup_epochs")
            warmup = default_warmup(dataset, batch_size) if warmup is None else warmup
            fields["warmup_epochs"] = min(warmup, self.max_warmup_epochs)
        return make_config(dataset, batch_size, seed=seed, **fields)

    def check_config(self, dataset: str, batch_size: int, seed: int, **overrides) -> RunConfig:
        """A config of the initialisation / precision checks (their reduced sizes; fp32 unless they vary it)."""
        return self.config(dataset, batch_size, seed, epochs=self.check_epochs[dataset],
                           n_train=self.check_n_train[dataset], n_test=self.check_n_test.get(dataset),
                           **{"precision": "fp32", **overrides})


def _scales(profile: str) -> dict[str, dict[str, object]]:
    """The `batch_sizes`, `epochs`, `n_train` and `n_test` of a profile, from each data set's registered scale."""
    scales = {d: entry.scale(profile) for d, entry in DATASETS.items() if entry.scale(profile)}
    return {what: {d: getattr(scale, what) for d, scale in scales.items() if getattr(scale, what) is not None}
            for what in ("batch_sizes", "epochs", "n_train", "n_test")}


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke", **_scales("smoke"),
        ablation_batch_sizes=(32, 256), cifar_ablation_batch_sizes=(256,), dataset_size_n=(500,),
        weights_batch_sizes=(8, 64, 16, 128), check_batch_sizes={"mnist": (128,), "cifar10": (128,)},
        # the checks: 2 updates at B = 128; their bf16 arm is emulated (slow) on a CPU without native bf16 (CI's)
        check_epochs={"mnist": 1, "cifar10": 1}, check_n_train={"mnist": 256, "cifar10": 256},
        check_n_test={"mnist": 256, "cifar10": 256}, max_warmup_epochs=1,  # one epoch of training: warmup 1 at most
    ),
    # Every run trains (no warmup longer than training, ≥ 30 updates at the largest B), on the whole test sets
    # (a 1-point difference is resolvable), 3 seeds; B = 1 on the MLP and MNIST (CIFAR-10's B = 1 costs more than
    # its whole section). The CNNs stop at B = 256: on subsets small enough for a CPU, larger B get a handful of
    # updates (MNIST B = 512, 30 updates of which 10 warm up to η = 0.2, stayed at chance in all 3 seeds), which
    # says nothing about the paper's large-batch claims; the paper profile tests those.
    # The checks share the accuracy runs' sizes, so their torch-default / fp32 arms are those very runs.
    "quick": Profile(
        name="quick", **_scales("quick"),
        seeds=3, init="torch-default", max_warmup_epochs=1,
        cifar_ablation_batch_sizes=(256,), dataset_size_n=(2_000, 5_000), weights_batch_sizes=(32, 256, 512),
        check_batch_sizes={"mnist": (128,)}, check_epochs={"mnist": 3}, check_n_train={"mnist": 5_000},
    ),
    "paper": Profile(
        name="paper", **_scales("paper"),
        seeds=3,
        section_seeds={"synthetic": 5, "lr-scaling": 5,  # cheap on a CPU (stacked MLP runs): tighter intervals
                       "mnist-largest-batch": 8},  # a failure rate needs more seeds than a mean
        # Chosen by the `init-check` section (the book's initialisation appendix): the he-uniform reading leaves
        # MNIST at B = 128 at chance. bf16 for CIFAR-10 only: the `precision-check` section put it within the
        # fp32 seed spread, and on a CPU with AVX512-BF16 a CIFAR-10 step is 1.45-1.88x faster (on one without, it
        # is emulated and slower). MNIST stays fp32: its runs were trained so before the check was done.
        init="torch-default",
        precision={"cifar10": "bf16"},
    ),
}


def _accuracy(profile: Profile, datasets: Iterable[str]) -> Callable[[int], list[RunConfig]]:
    """One run per data set, B and seed: the accuracy tables."""
    return lambda seed: [profile.config(d, b, seed) for d in datasets for b in profile.batch_sizes[d]]


def _lr_scaling(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Table V on the large synthetic set: fixed vs linear, plus the square-root rule."""
    return lambda seed: [profile.config("synthetic-50k", b, seed, lr_rule=rule)
                         for b in profile.ablation_batch_sizes for rule in ("fixed", "linear", "sqrt")]


def _cifar_lr(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Is the CIFAR-10 collapse at B >= 256 batch size, or Adam's LR under the linear rule? With/without warmup."""
    return lambda seed: [profile.config("cifar10", b, seed, lr_rule=rule, warmup_epochs=warmup)
                         for b in profile.cifar_ablation_batch_sizes
                         for rule, warmup in (("fixed", 0), ("linear", 0), ("sqrt", 0), ("linear", 5))]


def _matched_steps(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Hoffer et al.'s control: large batches trained for as many updates as B = 32 gets (epochs × B/32); then, so
    that the section compares them with B = 32 at equal updates and at equal epochs by itself, every B at the
    fixed budget (where a profile's accuracy section has these B, the very same runs) and B = 32 trained as long
    as each large batch (the baseline given the long budget too)."""
    def configs(seed: int) -> list[RunConfig]:
        out = []
        for b in (128, 512):
            base = profile.config("synthetic-10k", b, seed)
            out.append(profile.config("synthetic-10k", b, seed, epochs=base.epochs * b // 32))
        # Added after the runs above were stored (appended: those keep their configs and keys).
        out += [profile.config("synthetic-10k", b, seed) for b in (32, 128, 512)]
        fixed = profile.config("synthetic-10k", 32, seed).epochs
        out += [profile.config("synthetic-10k", 32, seed, epochs=fixed * b // 32) for b in (128, 512)]
        return out
    return configs


def _dataset_size(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Extra training-set sizes (subsets of the large synthetic set) for the B* against N fit."""
    return lambda seed: [profile.config("synthetic-50k", b, seed, n_train=n)
                         for n in profile.dataset_size_n for b in profile.batch_sizes["synthetic-50k"] if b <= n]


FIRST_SEED = 42  # every section's seeds are 42, 43, …: the paper's one seed first


def _mnist_largest_batch(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """MNIST at the profile's largest B, where the paper's recipe (linear rule, 5 warm-up epochs) trained in one
    seed of three: the recipe on every seed (42–49 at paper scale: a failure rate with its interval), and on the
    profile's usual seeds (the first three) one ingredient changed at a time: the square-root rule, no scaling, a
    warm-up twice as long.
    The ramp rises per step 4×, 2×, 1× and 2× as fast as B = 512's, which trained in every seed."""
    largest = max(profile.batch_sizes["mnist"])

    def configs(seed: int) -> list[RunConfig]:
        recipe = profile.config("mnist", largest, seed)
        out = [recipe]
        if seed < FIRST_SEED + profile.seeds:
            out += [profile.config("mnist", largest, seed, lr_rule=rule) for rule in ("sqrt", "fixed")]
            out.append(profile.config("mnist", largest, seed, warmup_epochs=min(2 * recipe.warmup_epochs,
                                                                               recipe.epochs)))
        return list({c.key(): c for c in out}.values())  # a short profile's warm-up cap can make two alike
    return configs


def _init_check(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Both readings of Table VIII's "Kaiming uniform" on the CNNs, at the B where the paper's LR is largest."""
    return lambda seed: [profile.check_config(d, b, seed, init=init) for d, sizes in profile.check_batch_sizes.items()
                         for b in sizes for init in INITS]


def _precision_check(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Paired fp32 / bf16 runs of the CNNs: is bf16 mixed precision within the seed spread of fp32?"""
    return lambda seed: [profile.check_config(d, b, seed, precision=p) for d, sizes in profile.check_batch_sizes.items()
                         for b in sizes for p in PRECISIONS]


def _replay_check(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """The first epochs of CIFAR-10's linear-rule runs at the two largest ablation B, replayed on all the data in
    the profile's precision on whichever CPU runs this section. Every CIFAR-10 paper run at chance was trained on
    an Intel Xeon: a seed whose fate differs between two CPUs says that its collapse hangs on the arithmetic, not
    on its configuration and seed alone. The LR is constant after warm-up and the batch order and augmentation come
    from the run's own generator, so a short run's epochs are its long run's first ones (the check shows it).
    Then, per seed, the same replays in fp32, which beside their twins on one CPU isolate the precision."""
    precisions = dict.fromkeys((profile.precision_of("cifar10"), "fp32"))  # the long runs' precision first

    def replay(b: int, seed: int, precision: str) -> RunConfig:
        # three epochs: the paper runs at chance sat at ln 10's loss from epoch 2; one that recovered, by epoch 3
        return profile.config("cifar10", b, seed, epochs=min(3, profile.config("cifar10", b, seed).epochs),
                              precision=precision)
    return lambda seed: [replay(b, seed, p) for p in precisions for b in profile.cifar_ablation_batch_sizes[-2:]]


def _weights(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """The accuracy runs of the paper's data sets whose weights the landscape, sharpness and noise chapters load."""
    return lambda seed: [c for c in _accuracy(profile, IN_PAPER)(seed)
                         if c.batch_size in profile.weights_batch_sizes]


SECTIONS: dict[str, Callable[[Profile], Callable[[int], list[RunConfig]]]] = {
    **{section: lambda p, datasets=datasets: _accuracy(p, datasets) for section, datasets in ACCURACY_SECTIONS.items()},
    "lr-scaling": _lr_scaling,
    "cifar10-lr": _cifar_lr,
    "mnist-largest-batch": _mnist_largest_batch,
    "matched-steps": _matched_steps,
    SIZE_SECTION: _dataset_size,
    "weights": _weights,
    "init-check": _init_check,
    "precision-check": _precision_check,
    "replay-check": _replay_check,
}


def weights_wanted(profile: str, seeds: int | None = None) -> frozenset[str]:
    """Keys of the profile's runs whose weights the analyses load: saved whichever section trains them first,
    so the `weights` section never retrains an accuracy run."""
    return frozenset(c.key() for c in section_configs(profile, "weights", seeds))


def get_profile(name: str) -> Profile:
    return PROFILES[check_choice("profile", name, PROFILES)]


def section_configs(profile: str, section: str, seeds: int | None = None,
                    batch_sizes: list[int] | None = None) -> list[RunConfig]:
    """The configs of one section for seeds 42, 43, … (the profile's default count for it unless given).

    `batch_sizes` (a chapter's parameter) replaces the profile's B in the accuracy sections (where they fit the
    data set) and picks among the runs of the others.
    """
    prof = get_profile(profile)
    if batch_sizes and section in ACCURACY_SECTIONS:
        fitting = {d: tuple(b for b in batch_sizes if b <= DATASET_SPECS[d].max_batch) for d in prof.batch_sizes}
        prof = dataclasses.replace(prof, batch_sizes=fitting)
    make = SECTIONS[check_choice("section", section, SECTIONS)](prof)
    n_seeds = prof.section_seeds.get(section, prof.seeds) if seeds is None else check_positive("seeds", seeds)
    configs = [c for seed in range(FIRST_SEED, FIRST_SEED + n_seeds) for c in make(seed)]
    return [c for c in configs if c.batch_size in batch_sizes] if batch_sizes else configs
