"""Bad input gets a clear message naming the file, and the rest of the batch is still checked."""

from __future__ import annotations

import json

from conftest import BBC, needs

GOOD = "Headline\n\nThe the copy is fine otherwise.\n"


def _batch(tmp_path, name: str, content: bytes):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "zz-good.txt"
    good.write_text(GOOD, encoding="utf-8")
    return bad, good


def _checked_ids(result):
    return [d["id"] for d in json.loads(result.out)["documents"]]


def test_binary_file_is_an_error_and_the_batch_goes_on(cli, tmp_path):
    bad, good = _batch(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = cli("check", bad, good, "--format", "json")
    assert result.code == 2
    assert f"{bad}: error: binary file, not text; skipped" in result.err
    assert _checked_ids(result) == [str(good)]


def test_empty_file_is_a_note_not_a_failure(cli, tmp_path):
    bad, good = _batch(tmp_path, "empty.txt", b"  \n\n")
    result = cli("check", bad, good, "--format", "json")
    assert result.code == 0
    assert f"{bad}: note: empty file, nothing to check" in result.err
    assert _checked_ids(result) == [str(good)]


def test_latin1_file_falls_back_with_a_note_and_exact_positions(cli, tmp_path):
    bad, good = _batch(tmp_path, "latin.txt", "Caf\xe9 prices\n\nThe caf\xe9 said the the price was \xa33.\n"
                       .encode("latin-1"))
    result = cli("check", bad, "--format", "json")
    assert result.code == 0
    assert f"{bad}: note: not valid UTF-8 (byte 0xe9 on line 1); read as Windows-1252" in result.err
    (finding,) = json.loads(result.out)["documents"][0]["findings"]
    assert (finding["line"], finding["column"], finding["text"]) == (3, 15, "the the")


def test_utf16_with_bom_is_decoded(cli, tmp_path):
    bad, _ = _batch(tmp_path, "wide.txt", "Headline\n\nIt was was late.\n".encode("utf-16"))
    result = cli("check", bad, "--format", "json")
    (finding,) = json.loads(result.out)["documents"][0]["findings"]
    assert (finding["line"], finding["column"]) == (3, 4)


def test_utf8_bom_does_not_shift_columns(cli, tmp_path):
    bad, _ = _batch(tmp_path, "bom.txt", "\ufeffHeadline\n\nIt was was late.\n".encode("utf-8"))
    (finding,) = json.loads(cli("check", bad, "--format", "json").out)["documents"][0]["findings"]
    assert (finding["line"], finding["column"], finding["offset"]) == (3, 4, 13)


def test_file_over_the_size_limit_is_refused_by_name(cli, tmp_path):
    bad, good = _batch(tmp_path, "huge.txt", b"Headline\n\n" + b"word " * 300_000)
    (tmp_path / "copydesk.yaml").write_text("files:\n  max_size_mb: 1\n", encoding="utf-8")
    result = cli("check", bad, good, "--format", "json")
    assert result.code == 2
    assert f"{bad}: error: file too large to check (1.5 MB; the limit is 1 MB" in result.err
    assert _checked_ids(result) == [str(good)]


def test_malformed_json_names_line_and_column(cli, tmp_path):
    bad, good = _batch(tmp_path, "export.json", b'{"headline": "A",\n  "body": "text" "oops"}\n')
    result = cli("check", bad, good, "--format", "json")
    assert result.code == 2
    assert f"{bad}:2:18: error: malformed JSON: expected ',' or '}}' in an object" in result.err
    assert _checked_ids(result) == [str(good)]


def test_missing_path_is_an_error_but_others_are_checked(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = cli("check", tmp_path / "missing.md", good, "--format", "json")
    assert result.code == 2
    assert "missing.md: error: no such file or directory" in result.err
    assert _checked_ids(result) == [str(good)]


def test_folder_skips_unknown_extensions_and_hidden_files(cli, tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.docx").write_bytes(b"PK\x03\x04\x00\x00")
    (tmp_path / ".hidden.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text(GOOD, encoding="utf-8")
    result = cli("check", tmp_path, "--format", "json")
    assert result.code == 0
    assert _checked_ids(result) == [str(tmp_path / "a.txt")]


@needs(BBC)
def test_whole_bbc_corpus_reads_without_problems_but_one_encoding_note(cli):
    sections = [BBC / name for name in ("business", "entertainment", "politics", "sport", "tech")]
    result = cli("check", *sections, "--format", "json", "--fail-on", "never")
    report = json.loads(result.out)
    assert report["summary"]["documents"] == 2225  # one story per file: section breaks do not split
    notes = [line for line in result.err.splitlines() if line]
    assert len(notes) == 1 and "read as Windows-1252" in notes[0]
    assert all(d["headline"] for d in report["documents"])
