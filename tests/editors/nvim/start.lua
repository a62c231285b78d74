-- deepseek-lsp with plain vim.lsp.start (Neovim 0.10+): put this in init.lua.
vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('deepseek-start', {}),
  callback = function(args)
    if vim.bo[args.buf].buftype ~= '' then
      return -- not a file (help, terminal, scratch)
    end
    vim.lsp.start({
      name = 'deepseek',
      cmd = { 'deepseek-lsp', '--stdio' },
      root_dir = vim.fs.root(args.buf, { '.git' }),
    }, { bufnr = args.buf })
  end,
})
