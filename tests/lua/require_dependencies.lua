-- A package brings the packages it builds on, as in Torch7: nngraph requires nn.
print(rawget(_G, 'nn') == nil)
require 'nngraph'
print(torch.type(nn.Linear(2, 2)))
local x = nn.Identity()()
print(torch.type(nn.gModule({x}, {nn.Tanh()(x)})))
