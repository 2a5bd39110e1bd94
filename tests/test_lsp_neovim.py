"""End to end in a real editor: headless Neovim attaches ``copydesk lsp`` to a Markdown story.

Neovim (Debian: apt install neovim) runs a Lua script that starts the server with
Neovim's own LSP client, waits for ``vim.diagnostic.get()``, picks the preferred
quick fix through ``vim.lsp.buf.code_action()`` (its menu answered by the script),
saves, and reports. ``.ci/run`` installs Neovim and sets COPYDESK_REQUIRE_NEOVIM=1,
so there a missing Neovim fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NVIM = shutil.which("nvim")
COPYDESK = str(Path(sys.executable).with_name("copydesk"))

STORY = """---
title: "Harbour reopens after storm"
date: 2024-03-04
---

# Harbour reopens after storm

![Boats leave the harbour](boats.jpg)
*Fishing boats leave Marsaxlokk harbour on Monday. (AFP)*

*Fishing boats leave Marsaxlokk harbour on Monday. (AFP)*

The harbour reopened on Monday after two days of gales, the port authority said.
"""

# Works with Neovim 0.7 (Debian 12) and later: vim.lsp.start_client, vim.diagnostic, vim.ui.select.
SCRIPT = r"""
local out = {}
local function finish()
  vim.fn.writefile({vim.fn.json_encode(out)}, vim.env.RESULT)
  vim.cmd("qa!")
end
local ok, problem = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.STORY))
  local buffer = vim.api.nvim_get_current_buf()
  local client = vim.lsp.start_client({name = "copydesk", cmd = {vim.env.COPYDESK, "lsp"},
                                       root_dir = vim.fn.fnamemodify(vim.env.STORY, ":h")})
  vim.lsp.buf_attach_client(buffer, client)
  local function codes()
    local found = {}
    for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
      table.insert(found, {code = diagnostic.code, lnum = diagnostic.lnum, col = diagnostic.col,
                           end_col = diagnostic.end_col, source = diagnostic.source})
    end
    return found
  end
  out.attached = vim.wait(30000, function() return #vim.diagnostic.get(buffer) > 0 end, 50)
  out.before = codes()
  local caption = vim.diagnostic.get(buffer)[1]
  vim.api.nvim_win_set_cursor(0, {caption.lnum + 1, caption.col})
  -- The code action menu, answered as a writer would: the preferred fix.
  vim.ui.select = function(items, _, on_choice)
    out.offered = {}
    local chosen
    for _, item in ipairs(items) do
      local action = item[2] or item.action or item
      table.insert(out.offered, action.title)
      if action.isPreferred and not chosen then chosen = item end
    end
    on_choice(chosen)
  end
  local before = vim.api.nvim_buf_get_changedtick(buffer)
  vim.lsp.buf.code_action()
  out.edited = vim.wait(10000, function() return vim.api.nvim_buf_get_changedtick(buffer) ~= before end, 50)
  vim.cmd("write")
  out.rechecked = vim.wait(10000, function()
    for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
      if diagnostic.code == "duplicate-caption" then return false end
    end
    return true
  end, 50)
  out.after = codes()
  vim.lsp.stop_client(client)
end)
out.ok, out.problem = ok, problem and tostring(problem)
finish()
"""


@pytest.fixture
def nvim():
    if NVIM is None:
        if os.environ.get("COPYDESK_REQUIRE_NEOVIM"):
            pytest.fail("COPYDESK_REQUIRE_NEOVIM is set but no nvim is on PATH")
        pytest.skip("needs Neovim on PATH (Debian: apt install neovim); .ci/run installs it")
    return NVIM


def test_neovim_shows_the_duplicate_caption_and_applies_the_quick_fix(nvim, tmp_path, cli):
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    script = tmp_path / "drive.lua"
    script.write_text(SCRIPT, encoding="utf-8")
    result_file = tmp_path / "result.json"
    env = {**os.environ, "STORY": str(story), "RESULT": str(result_file), "COPYDESK": COPYDESK,
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    subprocess.run([nvim, "--headless", "--clean", "-n", "-i", "NONE", "-c", f"luafile {script}"],
                   env=env, cwd=tmp_path, timeout=120, check=True, stdin=subprocess.DEVNULL)
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["ok"], result["problem"]
    assert result["attached"]
    # Line 11, column 2 in copydesk's 1-based terms: Neovim's 0-based (10, 1) to the closing asterisk.
    assert {"code": "duplicate-caption", "lnum": 10, "col": 1, "end_col": 56, "source": "copydesk"} \
        in result["before"]
    assert result["offered"][0].startswith("Delete “Fishing boats leave")
    assert result["edited"] and result["rechecked"]
    assert "duplicate-caption" not in [d["code"] for d in result["after"]]
    # What Neovim saved is what `copydesk check --fix` makes of the story.
    fixed = story.read_text(encoding="utf-8")
    story.write_text(STORY, encoding="utf-8")
    cli("check", story, "--fix", "--fail-on", "never")
    assert fixed == story.read_text(encoding="utf-8")
    assert fixed.count("Fishing boats leave Marsaxlokk harbour on Monday. (AFP)") == 1
