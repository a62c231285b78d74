-- Scenarios for test_neovim.py. Each opens $DEEPSEEK_NVIM_FILE (written by the test), drives
-- Neovim as a user would, and records what it saw in H.results for the test to assert on.
local H = require('harness')
local S = {}

local function deepseek_actions(client, buf, range)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = range,
    context = { diagnostics = {} },
  }
  local err, actions = H.request(client, 'textDocument/codeAction', params, buf)
  assert(not err, vim.inspect(err))
  local titles = {}
  for _, action in ipairs(actions or {}) do
    table.insert(titles, action.title)
  end
  return titles
end

--- Run the code action titled `title` through vim.lsp.buf.code_action, as the user's
--- <leader>da mapping would (apply=true skips the menu when one action is left).
local function apply_action(buf, title)
  local before = table.concat(H.lines(buf), '\n')
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title == title
    end,
  })
  H.wait_for('the action to edit the buffer', function()
    return table.concat(H.lines(buf), '\n') ~= before
  end)
  -- Let any further edits of the same action land before reading the result.
  local settled, last = 0, nil
  H.wait_for('the buffer to settle', function()
    local now = table.concat(H.lines(buf), '\n')
    settled = now == last and settled + 1 or 0
    last = now
    return settled >= 5
  end)
  H.results.lines = H.lines(buf)
end

--- Ctrl-X Ctrl-O at the end of line `line`, then Ctrl-Y on the DeepSeek item.
function S.completion_menu()
  local buf = H.open(os.getenv('DEEPSEEK_NVIM_FILE'))
  local line = tonumber(os.getenv('DEEPSEEK_NVIM_LINE'))
  H.cursor_at_end(line)
  H.feed('A<C-x><C-o>')
  local info = H.wait_for('the completion menu', function()
    local i = vim.fn.complete_info({ 'pum_visible', 'items', 'selected' })
    return i.pum_visible == 1 and #i.items > 0 and i
  end)
  H.results.items = {}
  for _, item in ipairs(info.items) do
    table.insert(H.results.items, { word = item.word, abbr = item.abbr, menu = item.menu })
  end
  H.results.selected = info.selected
  local before = H.lines(buf)[line]
  H.feed('<C-y>')
  H.wait_for('the item to be inserted', function()
    return vim.fn.pumvisible() == 0 and H.lines(buf)[line] ~= before
  end)
  H.feed('<Esc>')
  H.wait_for('normal mode', function()
    return vim.api.nvim_get_mode().mode == 'n'
  end)
  H.results.lines = H.lines(buf)
  H.results.cursor = vim.api.nvim_win_get_cursor(0)
end

--- A raw textDocument/inlineCompletion (Neovim 0.11 has no client for it) and the capabilities.
function S.inline_raw()
  local buf, client = H.open(os.getenv('DEEPSEEK_NVIM_FILE'))
  local line = tonumber(os.getenv('DEEPSEEK_NVIM_LINE'))
  -- The cursor after the last character, as in insert mode (normal mode cannot go there).
  local text = vim.fn.getline(line)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line - 1, character = vim.str_utfindex(text, client.offset_encoding) },
    context = { triggerKind = 1 },
  }
  local err, result = H.request(client, 'textDocument/inlineCompletion', params, buf)
  H.results.error = err
  H.results.inline = result
  H.results.position = params.position
  H.results.offset_encoding = client.offset_encoding
  H.results.capabilities = client.server_capabilities
end

--- The DeepSeek actions listed on a function, then "add a docstring" applied to the buffer.
function S.code_action_docstring()
  local buf, client = H.open(os.getenv('DEEPSEEK_NVIM_FILE'))
  local line = tonumber(os.getenv('DEEPSEEK_NVIM_LINE'))
  H.cursor_at_end(line)
  local pos = { line = line - 1, character = 0 }
  H.results.titles = deepseek_actions(client, buf, { start = pos, ['end'] = pos })
  apply_action(buf, 'DeepSeek: add a docstring')
end

--- `# @deepseek ...` on the cursor line: the action is offered and its code lands below it.
function S.directive()
  local buf, client = H.open(os.getenv('DEEPSEEK_NVIM_FILE'))
  local line = tonumber(os.getenv('DEEPSEEK_NVIM_LINE'))
  H.cursor_at_end(line)
  local pos = { line = line - 1, character = 4 }
  H.results.titles = deepseek_actions(client, buf, { start = pos, ['end'] = pos })
  apply_action(buf, 'DeepSeek: run @deepseek instruction')
end

--- :DeepSeekChat from the documented config; the scratch buffer fills as deltas arrive.
function S.chat()
  local src = H.open(os.getenv('DEEPSEEK_NVIM_FILE'))
  H.capture_messages()
  vim.cmd('1,2DeepSeekChat what does this do?')
  local out = vim.api.nvim_get_current_buf()
  assert(out ~= src, 'no scratch window opened')
  H.results.seen = {}
  H.wait_for('the chat to finish', function()
    local text = table.concat(H.lines(out), '\n')
    if text ~= '' and text ~= H.results.seen[#H.results.seen] then
      table.insert(H.results.seen, text)
    end
    return vim.b[out].deepseek_chat ~= 'streaming'
  end)
  H.results.state = vim.b[out].deepseek_chat
  H.results.final = table.concat(H.lines(out), '\n')
  H.results.filetype = vim.bo[out].filetype
end

--- workspace/executeCommand deepseek.explain: the prose is shown with window/showMessage.
function S.explain_command()
  local buf, client = H.open(os.getenv('DEEPSEEK_NVIM_FILE'))
  H.capture_messages()
  local range = { start = { line = 0, character = 0 }, ['end'] = { line = 2, character = 0 } }
  local err, result = H.request(client, 'workspace/executeCommand', {
    command = 'deepseek.explain',
    arguments = { vim.uri_from_bufnr(buf), range },
  }, buf)
  H.results.error = err
  H.results.result = result
  assert(not err, 'executeCommand failed: ' .. vim.inspect(err))
  H.wait_for('a message', function()
    return #H.results.messages > 0
  end)
end

return S
