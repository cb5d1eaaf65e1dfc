import re

import pytest
import torch

from batchsize import book, captions
from conftest import REPO


def chapter(monkeypatch, **kwargs) -> book.Chapter:
    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)  # Chapter sets it for a kernel, not for pytest
    return book.Chapter(["synthetic", "mnist"], **kwargs)


def test_each_data_set_renders_its_own_profile_unless_one_is_given(monkeypatch, tmp_path):
    monkeypatch.delenv(book.PROFILE_ENV, raising=False)
    complete = {"synthetic-1k", "synthetic-10k", "synthetic-50k"}  # pretend the paper store has these, no MNIST run
    real = book.resolve_profile
    monkeypatch.setattr(book, "resolve_profile", lambda p, sections, dataset=None: real(p, sections, dataset) if (
        book.os.environ.get(book.PROFILE_ENV) or p != "auto") else "paper" if dataset in complete else "quick")
    mixed = chapter(monkeypatch)
    assert (mixed.profile_of("synthetic"), mixed.profile_of("mnist")) == ("paper", "quick")
    complete.discard("synthetic-50k")  # one data set of a section behind: it alone renders quick
    assert mixed.profile_of("synthetic") == "mixed"
    assert (mixed.profile_of("synthetic", "synthetic-1k"), mixed.profile_of("synthetic", "synthetic-50k")) == (
        "paper", "quick")
    sizes = {(c.dataset, c.n_train) for c in mixed.configs("synthetic")}
    assert sizes == {("synthetic-1k", None), ("synthetic-10k", None), ("synthetic-50k", 10_000)}  # quick: a subset
    single = chapter(monkeypatch, profile="quick")  # a profile given: every section renders it
    assert (single.profile_of("synthetic"), single.profile_of("mnist", "mnist")) == ("quick", "quick")
    explicit = chapter(monkeypatch, store=str(tmp_path))  # a store given: one profile, one store
    assert explicit.profile_of("synthetic", "synthetic-1k") == "quick" and explicit.store.root == tmp_path
    monkeypatch.setenv(book.PROFILE_ENV, "smoke")  # `make book PROFILE=smoke`: every section smoke
    smoke = chapter(monkeypatch)
    assert smoke.profile_of("synthetic") == smoke.profile_of("mnist") == "smoke"


def test_a_section_the_chapter_has_read_is_not_read_again_where_a_page_asks_for_it(monkeypatch, tmp_path):
    """`Chapter.read` gives the runs `table` last read (the matched-steps page reads the accuracy section the gap
    chapter already read) without reading the store again; `table` itself always reads it (and retrains what is
    missing or damaged), and what a caller does to its copy never reaches the record."""
    import pandas as pd

    reads = []
    monkeypatch.setattr(book, "run_sweep", lambda configs, *a, **k: reads.append(len(configs)) or pd.DataFrame(
        {"key": [c.key() for c in configs], "test_acc": 90.0}))
    runs = chapter(monkeypatch, profile="smoke", store=str(tmp_path))
    first = runs.table("synthetic")
    first["test_acc"] = 0.0  # a chapter's own change to its table
    again = runs.read("synthetic")
    assert len(reads) == 1 and (again["test_acc"] == 90.0).all() and list(again["key"]) == list(first["key"])
    assert (again["section"] == "synthetic").all()
    runs.read("mnist")  # never read: read now, once
    runs.read("mnist")
    runs.table("synthetic")
    assert len(reads) == 3

def test_captions_say_the_scale_of_each_data_sets_runs_in_words():
    import pandas as pd

    runs = pd.DataFrame({"dataset": ["mnist", "mnist", "cifar10", "cifar10"], "seed": [42, 43, 42, 43],
                         "prov_profile": ["paper", "paper", "quick", "quick"], "epochs": [50, 50, 3, 3],
                         "train_size": [60_000, 60_000, 5_000, 5_000], "prov_device": "cpu",
                         "prov_device_name": "a CPU", "prov_commit": "abc1234"})
    text = captions.provenance(runs)
    assert ("Runs at **paper scale** (profile `paper`): MNIST (50 epochs, 60,000 training examples, 2 seeds); "
            "**reduced scale** (profile `quick`): CIFAR-10 (3 epochs, 5,000 training examples, 2 seeds)") in text
    assert "(where the table or figure has an interval, it is the 95 % t interval over seeds" in text  # never
    assert "one seed: no interval" in captions.provenance(runs.assign(seed=42))  # claims one a per-seed table lacks
    assert "20–50 epochs" in captions.scale_text(runs.assign(epochs=[20, 50, 3, 3]))
    mixed = captions.scale_text(runs.assign(epochs=[2, 12, 3, 3]))  # a check beside a run at the paper's epochs
    assert mixed.startswith("**paper scale** (profile `paper`): MNIST (12 epochs, 60,000 training examples, 1 seed)")
    assert "**reduced scale** (profile `paper`, a check shorter than the paper's runs): MNIST (2 epochs" in mixed
    assert "MNIST (1 epoch, 60,000 training examples" in captions.scale_text(runs.assign(epochs=1))  # not "1 epochs"
    two_names = runs.assign(prov_device_name=["Intel(R) Xeon(R) Processor @ 2.80GHz", "Intel(R) Xeon(R) Processor",
                                              "AMD EPYC", "AMD EPYC"])  # one kind of Xeon, named two ways
    assert "device: cpu (AMD EPYC), cpu (Intel Xeon) ·" in captions.provenance(two_names)
    sizes = pd.DataFrame({"dataset": ["synthetic-50k"] * 6 + ["synthetic-1k"], "seed": [42, 43, 44, 45, 46, 42, 42],
                          "prov_profile": "paper", "epochs": 50, "batch_size": 32, "precision": "fp32",
                          "train_size": [40_000] * 5 + [2_000, 800]})
    text = captions.scale_text(sizes)  # the registry's order; a cell's seeds, not the data set's; the arithmetic
    assert text.index("Small") < text.index("Large") and "(50 epochs, 800 training examples, 1 seed, fp32)" in text
    assert "2,000–40,000 training examples, 1–5 seeds, fp32" in text
    assert "bf16 mixed precision" in captions.scale_text(sizes.assign(precision="bf16"))
    check = runs.assign(epochs=[2, 2, 3, 3])  # a paper-profile check trained for fewer epochs than the paper
    assert captions.scale_text(check).startswith(
        "**reduced scale** (profile `paper`, a check shorter than the paper's runs): MNIST (2 epochs")


def test_sections_of_data_sets_and_glue_hands_python_numbers_to_the_prose(monkeypatch):
    import myst_nb
    import numpy as np

    assert book.sections_of(["synthetic-1k", "mnist", "synthetic-50k"]) == ["synthetic", "mnist"]
    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.update({name: (value, display)}))
    book.glue(ratio=np.float64(6.9), label="10–50")
    assert glued == {"ratio": (6.9, False), "label": ("10–50", False)}
    assert type(glued["ratio"][0]) is float  # `{glue:text}` cannot format numpy's repr "np.float64(6.9)"


def test_a_section_still_on_quick_shows_its_finished_paper_runs_until_they_are_complete(monkeypatch, tmp_path):
    """The paper sweep spans sessions: its finished runs are shown beside the quick ones, then take their place."""
    from batchsize.config import make_config
    from batchsize.store import RunStore
    from batchsize.sweep import run_sweep

    monkeypatch.delenv(book.PROFILE_ENV, raising=False)
    paper = [make_config("synthetic-1k", b, epochs=1) for b in (16, 32)]
    real_configs, real_store = book.section_configs, book.default_store
    monkeypatch.setattr(book, "section_configs", lambda profile, section, *a: paper if profile == "paper"
                        else real_configs(profile, section, *a))
    monkeypatch.setattr(book, "default_store", lambda p: RunStore(tmp_path) if p == "paper" else real_store(p))
    run_sweep(paper[:1], tmp_path, "paper", device="cpu", progress=False)
    partial = chapter(monkeypatch)
    assert partial.profile_of("synthetic") == "quick"
    assert list(partial.paper_so_far("synthetic")["batch_size"]) == [16]
    assert book.paper_progress("synthetic", partial.paper_so_far("synthetic")).endswith("1 of 2 runs are finished")
    assert chapter(monkeypatch, profile="quick").paper_so_far("synthetic").empty  # a profile given: nothing mixed in
    run_sweep(paper, tmp_path, "paper", device="cpu", progress=False)
    complete = chapter(monkeypatch)
    assert complete.profile_of("synthetic") == "paper" and complete.paper_so_far("synthetic").empty


def test_every_link_between_pages_names_a_page_of_the_book():
    """Links in prose *and* in the strings a chapter renders only on some profiles (the smoke book cannot see
    those): each must name a source file in the table of contents, as myst resolves it (a `.html` target, or a
    missing file, fails `make book` on the profile that renders it)."""
    pages = {(REPO / line.split("file:")[1].strip()).with_suffix("")
             for line in (REPO / "_toc.yml").read_text().splitlines() if "file:" in line}
    pages.add(REPO / "book" / "intro")  # the root
    sources = [*(REPO / "notebooks").glob("*.py"), *(REPO / "book").glob("*.md")]
    links = [(source, target) for source in sources
             for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", source.read_text())
             if not re.match(r"[a-z]+:", target)]  # http:, https:, mailto:, doi:
    assert links, "no internal links found: the pattern is wrong"
    for source, target in links:
        path = (source.parent / target).resolve()
        assert path.suffix in (".py", ".md") and path.is_file() and path.with_suffix("") in pages, \
            f"{source.relative_to(REPO)} links {target!r}: not a page of the book (_toc.yml)"


def test_a_page_names_a_folder_relative_to_the_repository_never_by_the_build_machines_path(tmp_path):
    from batchsize.version import REPO_ROOT

    assert captions.shown_path(REPO_ROOT / "data") == "data"
    assert captions.shown_path(tmp_path / "shared" / "data") == "…/data"
    assert str(tmp_path) not in captions.shown_path(tmp_path)


def test_the_api_page_documents_every_module_of_the_library():
    """So that the site has the source of each (`sphinx.ext.viewcode` adds the pages of documented modules)."""
    documented = set(re.findall(r"automodule:: batchsize\.(\w+)", (REPO / "book" / "api.md").read_text()))
    modules = {p.stem for p in (REPO / "lib" / "batchsize").glob("*.py") if not p.stem.startswith("__")}
    assert documented == modules


def deviations_page(monkeypatch, source: str | None = None, glued: dict | None = None) -> dict[str, object]:
    """The deviations page's code cells run as its build runs them (`source`: the page's text, edited), the
    tables it publishes by name (and what it glues, into `glued`); the replay brief, which reads the replays'
    histories, stubbed."""
    import jupytext

    from batchsize import pages_report

    published: dict[str, object] = {}
    monkeypatch.setattr(book, "publish", lambda what, caption, data, name, **_: published.update({name: data}))
    monkeypatch.setattr(book, "glue", lambda **values: (glued if glued is not None else {}).update(values))
    monkeypatch.setattr(pages_report, "replay_brief", lambda runs: "")
    page = jupytext.reads(source or (REPO / "book" / "deviations.md").read_text(), fmt="md:myst")
    namespace: dict[str, object] = {}
    for cell in page.cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)
    return published


def test_the_deviations_page_budgets_every_accuracy_section_the_papers_or_not(monkeypatch):
    """Review 2: the budget tables left out Fashion-MNIST (not in the paper), whose stored count the landing page
    quotes; its rows say it is not the paper's, and the page's assert names an accuracy section left out."""
    budgets = deviations_page(monkeypatch)["Budgets of the accuracy runs"]
    fashion = budgets[budgets["data set"] == "Fashion-MNIST (not in the paper)"]
    assert list(fashion["runs"]) == ["paper profile", "quick profile"]
    assert fashion["stored"].str.fullmatch(r"\d+ of \d+").all()
    assert list(budgets["data set"])[-2:] == list(fashion["data set"])  # the registry's order: last
    page = (REPO / "book" / "deviations.md").read_text()
    assert "rows(profile, ACCURACY_SECTIONS)" in page
    with pytest.raises(AssertionError, match="accuracy runs missing from the budget table.*Fashion-MNIST"):
        deviations_page(monkeypatch, page.replace("rows(profile, ACCURACY_SECTIONS)", "rows(profile, [\n"
                                                  "    s for s in ACCURACY_SECTIONS if s != 'fashion-mnist'])"))


def test_the_deviations_page_gives_each_lr_rule_its_warm_up_and_the_precision_checks_speed_as_the_appendix(monkeypatch):
    """Reader's 6: the CIFAR-10 LR rules' budget gave every rule a warm-up (only the linear rule's warm-up arm has
    one), and the page said the precision check states the speed-up it measured where the appendix says its speed
    cannot be told (each cell's two precisions on different CPUs)."""
    import pandas as pd

    from batchsize import checks
    from batchsize.datasets import DATASET_SPECS
    from batchsize.plan import section_configs

    glued: dict[str, object] = {}
    published = deviations_page(monkeypatch, glued=glued)
    lr = published["Budgets of the other experiments"].set_index(["experiment", "runs"])
    configs = section_configs("paper", "cifar10-lr")
    warm = [c for c in configs if c.warmup_epochs]
    cold = ", ".join(sorted({c.lr_rule for c in configs if not c.warmup_epochs}))
    assert lr.loc[("LR rules, CIFAR-10 at large B", "paper profile"), "warm-up"] == (
        f"linear + {warm[0].warmup_epochs}-epoch warmup: {warm[0].warmup_epochs} ep. from B = "
        f"{min(c.batch_size for c in warm)}; {cold}: none")
    assert cold == "fixed, linear, sqrt"  # the linear rule has an arm without warm-up too
    mnist = published["Budgets of the accuracy runs"].set_index(["data set", "runs"]).loc[("MNIST", "paper profile")]
    spec = DATASET_SPECS["mnist"]  # one arm, warmed up from a B on: said as before
    assert mnist["warm-up"] == f"{spec.warmup_epochs} ep. from B = {spec.warmup_from_batch}"
    runs = book.Chapter.paper_stored("precision-check")
    timed = checks.precision_check_cells(runs)["bf16 speed-up"].notna() if len(runs) else pd.Series(dtype=bool)
    cannot = ("that bf16's speed cannot be told from these runs: each cell's two precisions ran on different "
              "CPUs")  # the committed runs' (the appendix's words), wherever no cell's two precisions share a CPU
    assert (glued["precision_speed"] == cannot) == (len(timed) > 0 and not timed.any())
    cells = pd.DataFrame({"bf16 speed-up": [1.5, None]})
    monkeypatch.setattr(checks, "precision_check_cells", lambda runs: cells)
    deviations_page(monkeypatch, glued=glued)
    assert glued["precision_speed"] == "the speed-up of bf16 in the 1 of 2 cells whose two precisions ran on one CPU"
    monkeypatch.setattr(checks, "precision_check_cells", lambda runs: cells.fillna(1.5))
    deviations_page(monkeypatch, glued=glued)
    assert glued["precision_speed"] == "the speed-up of bf16 it measured"


def test_the_budget_counts_a_whole_training_set_that_table_i_does_not_list_from_its_files(monkeypatch):
    """Fashion-MNIST (not in Table I) read "the whole training set" in a column of counts: its paper-profile row
    gives the size of the training set its runs load, and says why it cannot where the files are not here."""
    from types import SimpleNamespace

    import numpy as np

    from batchsize import data

    def examples(found) -> str:
        monkeypatch.setattr(data, "find", found)
        monkeypatch.setattr(data, "load_dataset", lambda name: SimpleNamespace(y_train=np.zeros(1234)))
        budgets = deviations_page(monkeypatch)["Budgets of the accuracy runs"].set_index(["data set", "runs"])
        assert budgets.loc[("MNIST", "paper profile"), "training examples"] == "60,000"  # Table I's, not the files'
        return budgets.loc[("Fashion-MNIST (not in the paper)", "paper profile"), "training examples"]

    assert examples(lambda name, download: "here") == "1,234"

    def absent(name: str, download: bool):
        raise data.DataError("missing")

    assert examples(absent) == "the whole training set (its files not here to count)"

def test_the_papers_squares_are_drawn_only_beside_runs_at_its_scale():
    import pandas as pd

    runs = pd.DataFrame({"dataset": ["mnist", "cifar10", "synthetic-1k"], "prov_profile": ["paper", "quick", "paper"],
                         "epochs": [12, 3, 2]})  # MNIST at the paper's scale; CIFAR-10 reduced; a short paper check
    full, words = captions.paper_squares(runs)
    assert full == ["mnist"] and words == "dotted squares: the paper's tables, for MNIST (runs at its scale)"
    assert captions.paper_squares(runs.iloc[1:]) == ([], "no run shown is at the paper's scale, so its tables are "
                                                         "not drawn")


def test_table_i_says_what_each_profiles_runs_train_on_whole_sets_or_subsets():
    """Review 4, finding 8: the columns of a profile's sets read as subsets even where they are the whole sets, and
    the training-set-size runs' subsets were not named."""
    import pandas as pd

    from batchsize import pages_data

    table = pd.DataFrame({"dataset": ["mnist", "cifar10"], "train": [60_000, 50_000],
                          "trained on": [60_000, 50_000]})
    paper = pages_data.runs_on("paper", table, "trained on")
    assert paper.startswith("the `paper` profile's accuracy runs train and test on the whole sets (the last columns)")
    assert paper.endswith("train Large synthetic (50K) on subsets of 2,000, 5,000 and 20,000 examples.")
    quick = pages_data.runs_on("quick", table.assign(**{"trained on": [5_000, 50_000]}), "trained on")
    assert "the last columns' subsets (stratified, fixed seed)" in quick and "2,000 and 5,000 examples" in quick


def test_the_deviations_page_gives_the_papers_own_batch_sizes_and_marks_ours(monkeypatch):
    """The review: the paper's rows listed B = 16 on the synthetic sets (`datasets.PAPER_BATCH_SIZES`), which Table
    VII does not have. Its rows now give its own tables' B; a B of our runs that they lack is marked ours."""
    from batchsize import paper
    from batchsize.datasets import DATASET_NAMES, IN_PAPER
    from batchsize.plan import section_configs

    budgets = deviations_page(monkeypatch)["Budgets of the accuracy runs"].set_index(["data set", "runs"])
    ours = {c.batch_size for c in section_configs("paper", "synthetic") if c.dataset == "synthetic-1k"}
    added = ours - set(paper.accuracy_table("synthetic-1k")["B"])
    assert added, "the paper profile no longer adds a B to Table VII: this test has nothing to check"
    for dataset in IN_PAPER:
        theirs = sorted(int(b) for b in paper.accuracy_table(dataset)["B"])
        assert budgets.loc[(DATASET_NAMES[dataset], "the paper"), "batch sizes"] == ", ".join(map(str, theirs))
    shown = budgets.loc[(DATASET_NAMES["synthetic-1k"], "paper profile"), "batch sizes"].split(", ")
    assert [b for b in shown if "ours" in b] == [f"{b} (ours)" for b in sorted(added)]
    assert "ours" not in budgets.loc[(DATASET_NAMES["mnist"], "paper profile"), "batch sizes"]  # Table III's every B


def test_the_deviations_page_says_the_noise_chapter_divides_by_one_less_than_eq_4(monkeypatch):
    """The review: the noise chapter's σ̂² is the unbiased estimate (`variance_unbiased`) where Eq. 4 divides by the
    number of mini-batches; the page's list of readings says so, and must change with the measure."""
    import inspect

    from batchsize import analysis_measures

    readings = (REPO / "book" / "deviations.md").read_text().split("## Readings of the paper's text")[1]
    said = next(line for line in readings.split("\n- ") if line.startswith("**Gradient variance's divisor** (Eq. 4)"))
    assert "less one (the unbiased estimate)" in said and "Eq. 4 as printed divides by their number" in said
    assert '"variance": r["variance_unbiased"]' in inspect.getsource(analysis_measures._gradient_variance)


def test_the_deviations_pages_quick_warm_up_row_names_every_data_set_on_mnists_recipe(monkeypatch):
    """Review 78 (6): the quick profile's cut warm-up named MNIST and CIFAR-10 but not Fashion-MNIST, which trains on
    MNIST's recipe and whose quick failures at large B the accuracy chapter shows; the names come from the registry."""
    glued: dict[str, object] = {}
    deviations_page(monkeypatch, glued=glued)
    assert glued["quick_warmed"] == "MNIST and Fashion-MNIST" and glued["quick_warmed_others"] == "Fashion-MNIST"
    row = (REPO / "book" / "deviations.md").read_text().split("## Warm-up in the quick profile")[1].split("\n## ")[0]
    assert row.count("{glue:text}`quick_warmed`") == 2
