-- Entry point of the headless tests: load a user config ($DEEPSEEK_NVIM_CONFIG, a file the docs
-- quote), then run the scenario $DEEPSEEK_NVIM_SCENARIO from scenarios.lua.
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
package.path = here .. '/?.lua;' .. package.path
local H = require('harness')
dofile(assert(os.getenv('DEEPSEEK_NVIM_CONFIG'), 'DEEPSEEK_NVIM_CONFIG not set'))
local name = assert(os.getenv('DEEPSEEK_NVIM_SCENARIO'), 'DEEPSEEK_NVIM_SCENARIO not set')
local scenario = assert(require('scenarios')[name], 'no scenario ' .. name)
H.run(scenario, tonumber(os.getenv('DEEPSEEK_NVIM_TIMEOUT_MS') or '60000'))
