-- Rows of matrices (w[i]) behave as the tensors Torch7's select gives, however the bridge
-- represents them: read, written, resized, printed, used in arithmetic, reported in errors.
local w = torch.Tensor(3, 4):zero()
local r = w[2]
print(type(r), torch.type(r), torch.isTensor(r))
print(#r)
r[2] = 5
print(w[2][2], r + 1)
print(-r)
print(pcall(function() return r[9] end))
print(pcall(function() r[9] = 1 end))
r:resize(2, 2)
print(r:dim(), r[2][1], #r)
r[1][1] = 7
print(w[2][1], w:sum())
local l = torch.LongTensor(2, 2):fill(3)
print(l[1][2], type(l[1][2]))
print(w[1] ~= nil, tostring(w[3]):sub(1, 3))
local f = torch.FloatTensor(2, 3):fill(1.5)
for i = 1, 2 do for j = 1, 3 do f[i][j] = f[i][j] * i + j end end
print(f)
local x = torch.Tensor(2, 2):fill(1)
local row = x[1]
x:resize(5, 5):fill(2)   -- Python runs: row keeps its old geometry
print(row:size(1), row[1])
print(w[1].foo, pcall(function() return w[1].nothing.more end))
