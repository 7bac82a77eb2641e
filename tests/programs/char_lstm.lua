-- char-rnn style: an nngraph LSTM, unrolled by cloning through a MemoryFile,
-- trained with optim.adam on a synthetic repeating text; checkpoint saved and reloaded.
require 'nn'
require 'nngraph'
require 'optim'

local cmd = torch.CmdLine()
cmd:text()
cmd:text('Train a character-level LSTM')
cmd:text()
cmd:option('-rnn_size', 16, 'size of LSTM internal state')
cmd:option('-seq_length', 6, 'number of timesteps to unroll for')
cmd:option('-batch_size', 4, 'number of sequences per batch')
cmd:option('-learning_rate', 3e-2, 'learning rate')
cmd:option('-max_iters', 40, 'number of iterations')
cmd:option('-seed', 123, 'torch manual random number generator seed')
cmd:option('-checkpoint', '', 'where to save (empty: a temporary file)')
cmd:text()
local opt = cmd:parse(arg or {})
torch.manualSeed(opt.seed)
print('options: rnn_size=' .. opt.rnn_size .. ' seq_length=' .. opt.seq_length)

-- data: vocabulary from a string
local text = string.rep('hello world. ', 20)
local vocab, ivocab, vocab_size = {}, {}, 0
for ch in text:gmatch('.') do
  if not vocab[ch] then
    vocab_size = vocab_size + 1
    vocab[ch] = vocab_size
    ivocab[vocab_size] = ch
  end
end
print('vocab size', vocab_size)
local data = torch.ByteTensor(#text)
for i = 1, #text do data[i] = vocab[text:sub(i, i)] end

-- the LSTM cell
local function lstm(input_size, rnn_size)
  local x = nn.Identity()()
  local prev_c = nn.Identity()()
  local prev_h = nn.Identity()()
  local i2h = nn.Linear(input_size, 4 * rnn_size)(x)
  local h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h)
  local all_input_sums = nn.CAddTable()({i2h, h2h})
  local reshaped = nn.Reshape(4, rnn_size)(all_input_sums)
  local n1, n2, n3, n4 = nn.SplitTable(2)(reshaped):split(4)
  local in_gate = nn.Sigmoid()(n1)
  local forget_gate = nn.Sigmoid()(n2)
  local out_gate = nn.Sigmoid()(n3)
  local in_transform = nn.Tanh()(n4)
  local next_c = nn.CAddTable()({
    nn.CMulTable()({forget_gate, prev_c}),
    nn.CMulTable()({in_gate, in_transform})
  })
  local next_h = nn.CMulTable()({out_gate, nn.Tanh()(next_c)})
  local proj = nn.Linear(rnn_size, vocab_size)(next_h)
  local logsoft = nn.LogSoftMax()(proj)
  return nn.gModule({x, prev_c, prev_h}, {next_c, next_h, logsoft})
end

local protos = {}
protos.embed = nn.LookupTable(vocab_size, opt.rnn_size)
protos.rnn = lstm(opt.rnn_size, opt.rnn_size)
protos.criterion = nn.ClassNLLCriterion()

-- model_utils style: flatten parameters of several modules into one vector
local function combine_all_parameters(...)
  local params, grads = {}, {}
  for _, net in ipairs({...}) do
    local p, g = net:parameters()
    for i = 1, #p do
      table.insert(params, p[i])
      table.insert(grads, g[i])
    end
  end
  local n = 0
  for _, p in ipairs(params) do n = n + p:nElement() end
  local flat = torch.Tensor(n)
  local flat_grad = torch.Tensor(n)
  local offset = 1
  for i, p in ipairs(params) do
    local k = p:nElement()
    flat:narrow(1, offset, k):copy(p)
    p:set(flat:storage(), offset, p:size())
    flat_grad:narrow(1, offset, k):copy(grads[i])
    grads[i]:set(flat_grad:storage(), offset, grads[i]:size())
    offset = offset + k
  end
  return flat, flat_grad
end

local function clone_many_times(net, T)
  local clones = {}
  local params, gradParams
  if net.parameters then params, gradParams = net:parameters() end
  local mem = torch.MemoryFile('w'):binary()
  mem:writeObject(net)
  for t = 1, T do
    local reader = torch.MemoryFile(mem:storage(), 'r'):binary()
    local clone = reader:readObject()
    reader:close()
    if params then
      local cloneParams, cloneGradParams = clone:parameters()
      for i = 1, #params do
        cloneParams[i]:set(params[i])
        cloneGradParams[i]:set(gradParams[i])
      end
    end
    clones[t] = clone
    collectgarbage()
  end
  mem:close()
  return clones
end

local params, grad_params = combine_all_parameters(protos.embed, protos.rnn)
params:uniform(-0.08, 0.08)
print('number of parameters', params:nElement())

local clones = {}
for name, proto in pairs(protos) do
  clones[name] = clone_many_times(proto, opt.seq_length)
end

-- clones share parameters with the prototype
local p1 = clones.rnn[1]:parameters()
local p0 = protos.rnn:parameters()
print('clones share storage', torch.pointer(p1[1]:storage()) == torch.pointer(p0[1]:storage()))

local init_state = {torch.zeros(opt.batch_size, opt.rnn_size), torch.zeros(opt.batch_size, opt.rnn_size)}

local function next_batch(it)
  local x = torch.Tensor(opt.batch_size, opt.seq_length)
  local y = torch.Tensor(opt.batch_size, opt.seq_length)
  for b = 1, opt.batch_size do
    local start = ((it * 7 + b * 13) % (#text - opt.seq_length - 1)) + 1
    x[b] = data:sub(start, start + opt.seq_length - 1):double()
    y[b] = data:sub(start + 1, start + opt.seq_length):double()
  end
  return x, y
end

local function feval(w)
  if w ~= params then params:copy(w) end
  grad_params:zero()
  local x, y = next_batch(feval_calls or 0)
  feval_calls = (feval_calls or 0) + 1
  local embeddings, rnn_state, predictions = {}, {[0] = init_state}, {}
  local loss = 0
  for t = 1, opt.seq_length do
    embeddings[t] = clones.embed[t]:forward(x[{{}, t}])
    local lst = clones.rnn[t]:forward({embeddings[t], unpack(rnn_state[t - 1])})
    rnn_state[t] = {lst[1], lst[2]}
    predictions[t] = lst[3]
    loss = loss + clones.criterion[t]:forward(predictions[t], y[{{}, t}])
  end
  loss = loss / opt.seq_length
  local drnn_state = {[opt.seq_length] = {torch.zeros(opt.batch_size, opt.rnn_size), torch.zeros(opt.batch_size, opt.rnn_size)}}
  for t = opt.seq_length, 1, -1 do
    local doutput_t = clones.criterion[t]:backward(predictions[t], y[{{}, t}])
    local dlst = clones.rnn[t]:backward({embeddings[t], unpack(rnn_state[t - 1])},
                                        {drnn_state[t][1], drnn_state[t][2], doutput_t})
    clones.embed[t]:backward(x[{{}, t}], dlst[1])
    drnn_state[t - 1] = {dlst[2], dlst[3]}
  end
  grad_params:clamp(-5, 5)
  return loss, grad_params
end

local optim_state = {learningRate = opt.learning_rate}
local losses = {}
for i = 1, opt.max_iters do
  local _, loss = optim.adam(feval, params, optim_state)
  losses[i] = loss[1]
  if i % 10 == 0 then
    print(string.format('iter %d, loss = %6.4f, grad/param norm = %6.4e', i, loss[1], grad_params:norm() / params:norm()))
  end
end
local first = (losses[1] + losses[2] + losses[3]) / 3
local last = (losses[#losses] + losses[#losses - 1] + losses[#losses - 2]) / 3
print('loss fell', last < first)
print('adam step count', optim_state.t)

-- checkpoint
local path = opt.checkpoint ~= '' and opt.checkpoint or os.tmpname()
local checkpoint = {protos = protos, opt = opt, vocab = vocab, losses = losses}
torch.save(path, checkpoint)
local loaded = torch.load(path)
os.remove(path)
print('reloaded vocab h', loaded.vocab['h'], 'rnn_size', loaded.opt.rnn_size)
local x = torch.Tensor(opt.batch_size):fill(vocab['h'])
local emb = loaded.protos.embed:forward(x)
local out1 = loaded.protos.rnn:forward({emb, init_state[1], init_state[2]})
local out2 = protos.rnn:forward({protos.embed:forward(x), init_state[1], init_state[2]})
print('reloaded model agrees', (out1[3] - out2[3]):abs():max() < 1e-12)

-- sample greedily from the trained model
local prev_char = torch.Tensor{vocab['h']}
local state = {torch.zeros(1, opt.rnn_size), torch.zeros(1, opt.rnn_size)}
local sampled = {}
for i = 1, 12 do
  local e = protos.embed:forward(prev_char)
  local o = protos.rnn:forward({e, state[1], state[2]})
  state = {o[1]:clone(), o[2]:clone()}
  local _, idx = o[3]:max(2)
  sampled[#sampled + 1] = ivocab[idx[1][1]]
  prev_char = torch.Tensor{idx[1][1]}
end
print('sample: ' .. table.concat(sampled))
