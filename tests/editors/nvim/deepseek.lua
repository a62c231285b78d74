-- deepseek-lsp for Neovim 0.11+: save as ~/.config/nvim/plugin/deepseek.lua (or dofile it).
-- The key comes from DEEPSEEK_API_KEY in Neovim's environment; never put it in this file.

-- menuone: show the menu even for DeepSeek's single item; noinsert: <C-y> inserts it.
vim.o.completeopt = 'menu,menuone,noinsert,popup'

-- Streams of `deepseek/chat` replies, by partialResultToken.
local chat_streams = {}

vim.lsp.config('deepseek', {
  cmd = { 'deepseek-lsp', '--stdio' },
  -- No `filetypes`: attach to every buffer. List some to limit it, e.g. { 'python', 'lua' }.
  root_markers = { '.git' },
  settings = {
    deepseek = {
      completion = { model = 'deepseek-flash', maxTokens = 128 },
      chat = { model = 'deepseek-flash' },
    },
  },
  handlers = {
    -- Chat deltas arrive as $/progress with our token; everything else goes to the default.
    ['$/progress'] = function(err, params, ctx)
      local on_delta = chat_streams[params.token]
      if on_delta then
        if type(params.value) == 'table' and params.value.delta then
          on_delta(params.value.delta)
        end
        return
      end
      return vim.lsp.handlers['$/progress'](err, params, ctx)
    end,
  },
})
vim.lsp.enable('deepseek')

local function deepseek_client(bufnr)
  return vim.lsp.get_clients({ name = 'deepseek', bufnr = bufnr })[1]
end

-- :[range]DeepSeekChat {question}: stream the answer into a scratch buffer.
vim.api.nvim_create_user_command('DeepSeekChat', function(opts)
  local src = vim.api.nvim_get_current_buf()
  local client = deepseek_client(src)
  if not client then
    vim.notify('deepseek-lsp is not attached to this buffer', vim.log.levels.ERROR)
    return
  end
  local token = 'deepseek-chat-' .. vim.uv.hrtime()
  local params = {
    message = opts.args,
    textDocument = { uri = vim.uri_from_bufnr(src) },
    partialResultToken = token,
  }
  if opts.range > 0 then
    params.range = {
      start = { line = opts.line1 - 1, character = 0 },
      ['end'] = { line = opts.line2, character = 0 },
    }
  end
  vim.cmd('botright new')
  local out = vim.api.nvim_get_current_buf()
  vim.bo[out].buftype = 'nofile'
  vim.bo[out].bufhidden = 'wipe'
  vim.bo[out].filetype = 'markdown'
  vim.b[out].deepseek_chat = 'streaming'
  local text = ''
  local function show(s)
    if vim.api.nvim_buf_is_valid(out) then
      vim.api.nvim_buf_set_lines(out, 0, -1, false, vim.split(s, '\n', { plain = true }))
    end
  end
  chat_streams[token] = function(delta)
    text = text .. delta
    show(text)
  end
  client:request('deepseek/chat', params, function(err, result)
    chat_streams[token] = nil
    if err then
      show('DeepSeek error: ' .. (err.message or vim.inspect(err)))
    else
      show(result.text) -- the whole answer, whatever the stream delivered
    end
    if vim.api.nvim_buf_is_valid(out) then
      vim.b[out].deepseek_chat = err and 'error' or 'done'
    end
  end, src)
end, { nargs = '+', range = true, desc = 'Ask DeepSeek; the answer streams into a new window' })

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('deepseek', {}),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'deepseek' then
      return
    end
    -- Suggestions in the completion menu: <C-x><C-o> or <C-Space>; <C-y> accepts.
    vim.lsp.completion.enable(true, client.id, args.buf, { autotrigger = false })
    local function map(mode, lhs, rhs, desc)
      vim.keymap.set(mode, lhs, rhs, { buffer = args.buf, desc = desc })
    end
    map('i', '<C-Space>', vim.lsp.completion.get, 'DeepSeek: complete')
    map({ 'n', 'x' }, '<leader>da', function()
      vim.lsp.buf.code_action({
        filter = function(action)
          return vim.startswith(action.title, 'DeepSeek: ')
        end,
      })
    end, 'DeepSeek: code actions')
    map({ 'n', 'x' }, '<leader>dc', ':DeepSeekChat ', 'DeepSeek: chat')
  end,
})
