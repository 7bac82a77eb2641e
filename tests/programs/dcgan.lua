-- dcgan.torch style: a small generator/discriminator pair, weights initialised through
-- m:apply(weights_init) by class name, two optim.adam states, BCE on label vectors.
require 'nn'
require 'optim'
torch.manualSeed(9)

local opt = {batchSize = 8, nz = 8, ngf = 4, ndf = 4, lr = 0.002, beta1 = 0.5, niter = 12}

local function weights_init(m)
  local name = torch.type(m)
  if name:find('Convolution') then
    m.weight:normal(0.0, 0.02)
    m:noBias()
  elseif name:find('BatchNormalization') then
    if m.weight then m.weight:normal(1.0, 0.02) end
    if m.bias then m.bias:fill(0) end
  end
end

local SpatialBatchNormalization = nn.SpatialBatchNormalization
local SpatialConvolution = nn.SpatialConvolution
local SpatialFullConvolution = nn.SpatialFullConvolution

-- G: nz x 1 x 1 -> 1 x 8 x 8
local netG = nn.Sequential()
netG:add(SpatialFullConvolution(opt.nz, opt.ngf * 2, 4, 4))                -- 4x4
netG:add(SpatialBatchNormalization(opt.ngf * 2)):add(nn.ReLU(true))
netG:add(SpatialFullConvolution(opt.ngf * 2, 1, 4, 4, 2, 2, 1, 1))         -- 8x8
netG:add(nn.Tanh())
netG:apply(weights_init)

-- D: 1 x 8 x 8 -> 1
local netD = nn.Sequential()
netD:add(SpatialConvolution(1, opt.ndf, 4, 4, 2, 2, 1, 1))                 -- 4x4
netD:add(nn.LeakyReLU(0.2, true))
netD:add(SpatialConvolution(opt.ndf, 1, 4, 4))                             -- 1x1
netD:add(nn.Sigmoid())
netD:add(nn.View(1):setNumInputDims(3))
netD:apply(weights_init)
print(netG)
print(netD)
print('conv bias removed', netD:get(1).bias == nil, netG:get(1).bias == nil)

local criterion = nn.BCECriterion()
local optimStateG = {learningRate = opt.lr, beta1 = opt.beta1}
local optimStateD = {learningRate = opt.lr, beta1 = opt.beta1}

local input = torch.Tensor(opt.batchSize, 1, 8, 8)
local noise = torch.Tensor(opt.batchSize, opt.nz, 1, 1)
local label = torch.Tensor(opt.batchSize)
local real_label, fake_label = 1, 0

local parametersD, gradParametersD = netD:getParameters()
local parametersG, gradParametersG = netG:getParameters()
print('params D', parametersD:nElement(), 'params G', parametersG:nElement())

-- "real" images: a bright vertical bar at a random column
local function real_batch()
  input:fill(-1)
  for b = 1, opt.batchSize do
    local c = torch.random(2, 7)
    input[{b, 1, {}, {c - 1, c}}]:fill(1)
  end
  return input
end

local errD, errG
local fDx = function(x)
  gradParametersD:zero()
  real_batch()
  label:fill(real_label)
  local output = netD:forward(input)
  local errD_real = criterion:forward(output, label)
  netD:backward(input, criterion:backward(output, label))

  noise:normal(0, 1)
  local fake = netG:forward(noise)
  input:copy(fake)
  label:fill(fake_label)
  output = netD:forward(input)
  local errD_fake = criterion:forward(output, label)
  netD:backward(input, criterion:backward(output, label))
  errD = errD_real + errD_fake
  return errD, gradParametersD
end

local fGx = function(x)
  gradParametersG:zero()
  label:fill(real_label)
  local output = netD.output
  errG = criterion:forward(output, label)
  local df_do = criterion:backward(output, label)
  local df_dg = netD:updateGradInput(input, df_do)
  netG:backward(noise, df_dg)
  return errG, gradParametersG
end

local dReal = {}
for iter = 1, opt.niter do
  optim.adam(fDx, parametersD, optimStateD)
  optim.adam(fGx, parametersG, optimStateG)
  dReal[iter] = errD
  if iter % 4 == 0 then
    print(string.format('iter %2d  Loss_D: %.4f  Loss_G: %.4f', iter, errD, errG))
  end
end
print('adam steps', optimStateD.t, optimStateG.t)
print('losses finite', errD == errD and errG == errG and errD < math.huge)

netG:evaluate()
local samples = netG:forward(torch.randn(2, opt.nz, 1, 1))
print('sample size', samples:size(1), samples:size(2), samples:size(3), samples:size(4))
print('tanh range', samples:max() <= 1 and samples:min() >= -1)
-- checkpoint the generator without its buffers
netG:clearState()
local f = torch.MemoryFile('rw'):binary()
f:writeObject(netG)
f:seek(1)
local G2 = f:readObject()
local z = torch.randn(1, opt.nz, 1, 1)
print('reloaded generator agrees', G2:forward(z):equal(netG:forward(z)))
