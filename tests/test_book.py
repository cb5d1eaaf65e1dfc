import torch

from batchsize import book


def chapter(monkeypatch, **kwargs) -> book.Chapter:
    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)  # Chapter sets it for a kernel, not for pytest
    return book.Chapter(["synthetic", "mnist"], **kwargs)


def test_sections_render_their_own_profile_only_when_the_chapter_mixes_them(monkeypatch, tmp_path):
    monkeypatch.delenv(book.PROFILE_ENV, raising=False)
    complete = {"synthetic"}  # pretend the paper store has every synthetic run and no MNIST run
    real = book.resolve_profile
    monkeypatch.setattr(book, "resolve_profile", lambda p, sections: real(p, sections) if book.os.environ.get(
        book.PROFILE_ENV) or p != "auto" else "paper" if set(sections) <= complete else "quick")
    mixed = chapter(monkeypatch, mix_profiles=True)
    assert (mixed.profile_of("synthetic"), mixed.profile_of("mnist")) == ("paper", "quick")
    assert mixed.store_of("synthetic").root.name == "paper"
    single = chapter(monkeypatch)
    assert (single.profile_of("synthetic"), single.profile_of("mnist")) == ("quick", "quick")
    explicit = chapter(monkeypatch, mix_profiles=True, store=str(tmp_path))  # a store given: one profile
    assert explicit.profile_of("synthetic") == "quick" and explicit.store_of("synthetic").root == tmp_path
    monkeypatch.setenv(book.PROFILE_ENV, "smoke")  # `make book PROFILE=smoke`: every section smoke
    smoke = chapter(monkeypatch, mix_profiles=True)
    assert smoke.profile_of("synthetic") == smoke.profile_of("mnist") == "smoke"
