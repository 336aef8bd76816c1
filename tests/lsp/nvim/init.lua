-- Neovim smoke test: start amct-lsp, open a script, wait for its diagnostics, hover the stale name, write a report.
-- Environment: AMCT_CMD (JSON list: the server command), AMCT_SCRIPT (file to open), AMCT_ROOT (workspace root),
-- AMCT_OUT (where to write the JSON report), AMCT_HOVER_LINE / AMCT_HOVER_COL (0-based position to hover).
-- Works with Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start).
local env = vim.env
local report = { diagnostics = {}, hover = vim.NIL, errors = {} }

local function finish()
  local f = assert(io.open(env.AMCT_OUT, "w"))
  f:write(vim.json.encode(report))
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(env.AMCT_SCRIPT))
  local bufnr = vim.api.nvim_get_current_buf()
  local config = {
    name = "amct-lsp",
    cmd = vim.json.decode(env.AMCT_CMD),
    root_dir = env.AMCT_ROOT,
    on_error = function(code, e) table.insert(report.errors, tostring(code) .. ": " .. tostring(e)) end,
  }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config, { bufnr = bufnr })
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  if not client_id then
    error("the server did not start")
  end

  vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then
      code = d.user_data.lsp.code
    end
    table.insert(report.diagnostics, {
      code = code, lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message, source = d.source,
    })
  end

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = tonumber(env.AMCT_HOVER_LINE), character = tonumber(env.AMCT_HOVER_COL) },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/hover", params, 10000) or {}
  for _, response in pairs(responses) do
    if response.result and response.result.contents then
      local contents = response.result.contents
      report.hover = contents.value or contents
    end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then
  table.insert(report.errors, tostring(err))
end
finish()
