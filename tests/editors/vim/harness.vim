" Test harness for test_vim.py (not part of the documented configuration): every 50 ms, write
" what the user could find out about Vim's state to $DEEPSEEK_VIM_STATE as JSON, so the test
" can poll for a condition while it types into Vim through tmux.
let s:out = $DEEPSEEK_VIM_STATE

function! s:Connections() abort
  let l:found = []
  for l:conn in values(ale#lsp#GetConnections())
    call add(l:found, {
    \   'running': has_key(l:conn, 'job_id') && ale#job#IsRunning(l:conn.job_id),
    \   'initialized': get(l:conn, 'initialized', 0),
    \})
  endfor
  return l:found
endfunction

function! s:Report(timer) abort
  let l:state = {
  \   'mode': mode(1),
  \   'filetype': &filetype,
  \   'omnifunc': &l:omnifunc,
  \   'linters': map(copy(ale#linter#Get(&filetype)), 'v:val.name'),
  \   'connections': s:Connections(),
  \   'lines': getline(1, '$'),
  \   'cursor': getcurpos()[1:2],
  \   'pum': pumvisible(),
  \   'modified': &modified,
  \}
  call writefile([json_encode(l:state)], s:out . '.tmp')
  call rename(s:out . '.tmp', s:out)
endfunction

call timer_start(50, function('s:Report'), {'repeat': -1})
