-- Test harness for headless Neovim: runs one scenario as a coroutine so that Neovim's main loop
-- keeps running (typed keys, LSP messages, timers) while the scenario waits for conditions.
-- The scenario's results go to $DEEPSEEK_NVIM_OUT as JSON: { ok, error?, results }.
local H = { results = {} }

local out_path = assert(os.getenv('DEEPSEEK_NVIM_OUT'), 'DEEPSEEK_NVIM_OUT not set')
local finished = false
local resume

local function now_ms()
  return vim.uv.hrtime() / 1e6
end

function H.finish(ok, err)
  if finished then
    return
  end
  finished = true
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.json.encode({ ok = ok, error = err, results = H.results }))
  f:close()
  vim.cmd('qall!')
end

--- Run `fn` as the scenario; finish with its error or success.
function H.run(fn, timeout_ms)
  local co = coroutine.create(fn)
  resume = function(...)
    local ok, err = coroutine.resume(co, ...)
    if not ok then
      H.finish(false, debug.traceback(co, tostring(err)))
    elseif coroutine.status(co) == 'dead' then
      H.finish(true)
    end
  end
  vim.defer_fn(function()
    H.finish(false, 'scenario timed out')
  end, timeout_ms or 60000)
  vim.schedule(resume)
end

--- Yield to the main loop for one tick (about 10 ms).
function H.tick()
  vim.defer_fn(function()
    resume()
  end, 10)
  coroutine.yield()
end

--- Poll `cond` until it returns a truthy value (returned) or `timeout_ms` passes (an error).
function H.wait_for(what, cond, timeout_ms)
  local deadline = now_ms() + (timeout_ms or 15000)
  while true do
    local value = cond()
    if value then
      return value
    end
    if now_ms() > deadline then
      error('timed out waiting for ' .. what, 2)
    end
    H.tick()
  end
end

--- Send an LSP request and wait for its answer: returns err, result.
function H.request(client, method, params, bufnr)
  local co = coroutine.running()
  local done, res_err, res = false, nil, nil
  client:request(method, params, function(err, result)
    done, res_err, res = true, err, result
    if coroutine.status(co) == 'suspended' then
      vim.schedule(resume)
    end
  end, bufnr)
  while not done do
    coroutine.yield()
  end
  return res_err, res
end

--- Type keys as a user would (through mappings); they run once we yield to the main loop.
function H.feed(keys)
  vim.api.nvim_feedkeys(vim.keycode(keys), 'mt', false)
end

--- Open `path` and wait until the deepseek client is attached and initialized.
function H.open(path)
  vim.cmd.edit(path)
  local buf = vim.api.nvim_get_current_buf()
  local client = H.wait_for('deepseek-lsp to attach', function()
    local c = vim.lsp.get_clients({ name = 'deepseek', bufnr = buf })[1]
    return c and c.initialized and c
  end)
  return buf, client
end

function H.lines(buf)
  return vim.api.nvim_buf_get_lines(buf, 0, -1, false)
end

--- Put the cursor at 1-based `line`, at the end of that line.
function H.cursor_at_end(line)
  vim.api.nvim_win_set_cursor(0, { line, #vim.fn.getline(line) })
end

--- Record every window/showMessage and vim.notify text in results.messages.
function H.capture_messages()
  H.results.messages = {}
  local show = vim.lsp.handlers['window/showMessage']
  vim.lsp.handlers['window/showMessage'] = function(err, params, ctx)
    table.insert(H.results.messages, params.message)
    return show(err, params, ctx)
  end
  vim.notify = function(msg)
    table.insert(H.results.messages, msg)
  end
end

return H
