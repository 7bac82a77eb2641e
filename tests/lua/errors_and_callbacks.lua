-- Errors both ways, and Lua functions as callbacks of the library.
require 'nn'
require 'optim'

-- an error raised in Python is a Lua error at the calling line, caught by pcall
local ok, err = pcall(function()
   local t = torch.Tensor(2, 2)
   t:narrow(1, 2, 5)
end)
print(ok, err:match('^errors_and_callbacks%.lua:8: ') ~= nil, err:find('narrow') ~= nil)

-- the same through a method that was called as a tail call
ok, err = pcall(function() return torch.Tensor(2):narrow(1, 3, 1) end)
print(ok, err:match('^errors_and_callbacks%.lua:%d+: ') ~= nil)

-- errors raised with error() keep their value through pcall
ok, err = pcall(error, {code = 42})
print(ok, type(err), err.code)

-- a Lua error inside a callback comes back out of the library unchanged
local calls = 0
ok, err = pcall(function()
   optim.sgd(function(x)
      calls = calls + 1
      error('feval failed')
   end, torch.Tensor{1}, {learningRate = 0.1})
end)
print(ok, calls, err:match('errors_and_callbacks%.lua:%d+: feval failed') ~= nil)

-- callbacks: apply, map, optim's feval returning two values
local t = torch.Tensor{1, 2, 3}
t:apply(function(x) return x * x end)
print(t[1], t[2], t[3])
local seen = {}
t:apply(function(x) seen[#seen + 1] = x end)   -- returning nothing leaves the element
print(#seen, seen[3], t[3])
local x = torch.Tensor{3}
local _, fs = optim.sgd(function(p) return p[1] ^ 2, p * 2 end, x, {learningRate = 0.25})
print(fs[1], x[1])

-- bad input does not corrupt the object
local v = torch.Tensor{1, 2, 3}
ok = pcall(function() v:resize(-1) end)
print(ok, v:size(1), v[3])

-- missing fields read nil; calling one is Lua's usual error
local lin = nn.Linear(2, 2)
print(lin.nothing, lin.weight ~= nil)
ok, err = pcall(function() lin:noSuchMethod() end)
print(ok, err:find("attempt to call method 'noSuchMethod'") ~= nil)

-- error() with a level still names the caller
local function check(n) if n < 0 then error('negative', 2) end end
ok, err = pcall(function() check(-1) end)
print(err)

-- an error value that is a table crosses the library unchanged
ok, err = pcall(function()
   optim.sgd(function() error({code = 7}) end, torch.Tensor{1}, {})
end)
print(ok, type(err), err.code)
