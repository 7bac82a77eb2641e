-- type conversions and checkpoints: :type()/:float()/:double(), typed models,
-- default tensor type, torch.save/load (binary and ascii), clearState before saving
require 'nn'
torch.manualSeed(11)

local d = torch.randn(2, 3)
local f = d:float()
local l = torch.Tensor{1.7, -2.2, 3.5}:long()
print(torch.type(d), torch.type(f), torch.type(l))
print(l)
print(torch.Tensor{1.7, -2.2, 3.5}:int())
print(torch.ByteTensor{1, 255, 0}:double():sum())
print(torch.type(d:type('torch.IntTensor')), d:type() == 'torch.DoubleTensor')
print('float close to double', (f:double() - d):abs():max() < 1e-6)
print(torch.typename(f:type('torch.DoubleTensor')))
print('byte from comparison', torch.type(d:gt(0)))
print(torch.FloatTensor(2, 2):fill(0.1))

-- default type switching
torch.setdefaulttensortype('torch.FloatTensor')
local t = torch.Tensor(2)
print(torch.type(t), torch.getdefaulttensortype())
print(torch.type(torch.randn(2)), torch.type(torch.zeros(1)))
torch.setdefaulttensortype('torch.DoubleTensor')
print(torch.type(torch.Tensor()))

-- a model converted to float and back
local model = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Linear(3, 2))
local x = torch.randn(5, 4)
local yd = model:forward(x):clone()
model:float()
print(torch.type(model.modules[1].weight), torch.type(model.output))
local yf = model:forward(x:float())
print(torch.type(yf), 'float result close', (yf:double() - yd):abs():max() < 1e-5)
model:type('torch.DoubleTensor')
print(torch.type(model.modules[3].gradWeight))
print('double again equal', model:forward(x):equal(yd) or (model:forward(x) - yd):abs():max() < 1e-6)

-- checkpointing: binary and ascii, with shared tensors kept shared
local tmp = os.tmpname()
local shared = torch.Tensor(4):fill(2)
local view = shared:narrow(1, 2, 2)
local state = {epoch = 3, lr = 0.01, name = 'run-1', model = model:clearState(),
               history = {0.9, 0.5, 0.25}, a = shared, b = view, flag = true}
torch.save(tmp, state)
local back = torch.load(tmp)
print(back.epoch, back.lr, back.name, back.flag, #back.history, back.history[3])
print(torch.type(back.model), #back.model.modules, back.model.modules[1].weight:equal(model.modules[1].weight))
back.b:fill(7)
print('views stay shared', back.a[2], back.a[3], back.a[1])
print('clearState emptied output', back.model.output:nElement())
torch.save(tmp, state, 'ascii')
local back2 = torch.load(tmp, 'ascii')
print('ascii round trip', back2.model:forward(x):equal(model:forward(x)), back2.name)
os.remove(tmp)

-- serialize to a string and back
local s = torch.serialize(model.modules[1])
local lin = torch.deserialize(s)
print(torch.type(lin), lin.weight:equal(model.modules[1].weight), type(s))

-- storage and tensor sharing after type-preserving ops
local base = torch.range(1, 6)
local v = base:view(2, 3)
v[2][1] = 40
print(base[4], torch.pointer(base:storage()) == torch.pointer(v:storage()))
local c = base:type('torch.DoubleTensor')
print('same type is the same tensor', c == base)
local fl = base:float()
fl[1] = -1
print('converted copy is independent', base[1])
