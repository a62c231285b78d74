" deepseek-lsp through ALE (Debian: vim-nox + vim-ale): put this in ~/.vimrc.
" The key comes from DEEPSEEK_API_KEY in Vim's environment; never put it in this file.

" ALE reads g:ale_completion_enabled when it loads, so set it before `packadd`. 0 (the default)
" asks for a suggestion only on <C-x><C-o>; 1 asks after every pause in typing (each a request).
let g:ale_completion_enabled = 0
" Debian's vim-ale is an optional package: load it (the `!` loads it with the other plugins).
packadd! ale
filetype plugin indent on

let s:filetypes = ['python', 'javascript', 'typescript', 'go', 'rust', 'c', 'cpp', 'sh']
for s:ft in s:filetypes
  call ale#linter#Define(s:ft, {
  \   'name': 'deepseek',
  \   'lsp': 'stdio',
  \   'executable': 'deepseek-lsp',
  \   'command': '%e --stdio',
  \   'project_root': {buffer -> fnamemodify(bufname(buffer), ':p:h')},
  \})
endfor

" ALE runs only the linters listed for a filetype, and it has lists of its own for Python, Go
" and Rust: add 'deepseek' to yours (set g:ale_linters above this), or to ALE's defaults.
let s:ale_defaults = {
\   'python': ['flake8', 'mypy', 'pylint', 'pyright', 'ruff'],
\   'go': ['gofmt', 'golint', 'gopls', 'govet'],
\   'rust': ['cargo', 'rls'],
\}
let g:ale_linters = get(g:, 'ale_linters', {})
for s:ft in s:filetypes
  let s:names = get(g:ale_linters, s:ft, get(s:ale_defaults, s:ft, 'all'))
  if type(s:names) == v:t_list && index(s:names, 'deepseek') < 0
    let g:ale_linters[s:ft] = s:names + ['deepseek']
  endif
endfor

" menuone: show the menu for DeepSeek's single item; noinsert: <C-y> inserts it; popup: the
" whole suggestion beside the menu.
set completeopt=menu,menuone,noinsert,popup

augroup deepseek_ale
  autocmd!
  " Filetype plugins set their own omnifunc; this runs after them (it is defined after
  " `filetype plugin on`), so <C-x><C-o> asks DeepSeek.
  execute 'autocmd FileType' join(s:filetypes, ',') 'setlocal omnifunc=ale#completion#OmniFunc'
augroup END

" DeepSeek's code actions (explain, fix, docstring, tests, @deepseek): pick one by its number.
nnoremap <leader>da :ALECodeAction<CR>
xnoremap <leader>da :ALECodeAction<CR>
