using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>How the ResNet's batch-normalisation layers behave.</summary>
    public enum BackboneNormalization
    {
        /// <summary>Fixed statistics and affine parameters (torchvision's FrozenBatchNorm2d; the paper's choice with pretrained weights).</summary>
        Frozen,

        /// <summary>Ordinary BatchNorm2d: batch statistics in training, running statistics in evaluation (torchvision's choice from scratch).</summary>
        BatchNorm,
    }

    /// <summary>Residual block of ResNet-18/34: two 3x3 convolutions.</summary>
    internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        internal const int Expansion = 1;

        private readonly Conv2d conv1;
        private readonly nn.Module<Tensor, Tensor> bn1;
        private readonly Conv2d conv2;
        private readonly nn.Module<Tensor, Tensor> bn2;
        private readonly Sequential? downsample;

        internal BasicBlock(long inPlanes, long planes, long stride, Func<long, nn.Module<Tensor, Tensor>> norm, Sequential? downsample)
            : base(nameof(BasicBlock))
        {
            conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
            bn1 = norm(planes);
            conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
            bn2 = norm(planes);
            this.downsample = downsample;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = PlannedLayers.ConvThenNorm(conv1, bn1, input).relu_();
            var y = PlannedLayers.ConvThenNorm(conv2, bn2, x);
            x.Dispose();
            return ResidualBlocks.AddShortcut(y, input, downsample).MoveToOuterDisposeScope();
        }

        /// <summary>Every convolution followed by a batch norm, with that norm.</summary>
        internal IEnumerable<(Conv2d conv, nn.Module norm)> ConvNormPairs() =>
            new[] { (conv1, (nn.Module)bn1), (conv2, (nn.Module)bn2) }.Concat(ResidualBlocks.DownsamplePair(downsample));
    }

    /// <summary>Residual block of ResNet-50/101: 1x1 reduce, 3x3 (carrying the stride, "ResNet v1.5"), 1x1 expand.</summary>
    internal sealed class Bottleneck : nn.Module<Tensor, Tensor>
    {
        internal const int Expansion = 4;

        private readonly Conv2d conv1;
        private readonly nn.Module<Tensor, Tensor> bn1;
        private readonly Conv2d conv2;
        private readonly nn.Module<Tensor, Tensor> bn2;
        private readonly Conv2d conv3;
        private readonly nn.Module<Tensor, Tensor> bn3;
        private readonly Sequential? downsample;

        internal Bottleneck(long inPlanes, long planes, long stride, Func<long, nn.Module<Tensor, Tensor>> norm, Sequential? downsample)
            : base(nameof(Bottleneck))
        {
            conv1 = nn.Conv2d(inPlanes, planes, 1, bias: false);
            bn1 = norm(planes);
            conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
            bn2 = norm(planes);
            conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
            bn3 = norm(planes * Expansion);
            this.downsample = downsample;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = PlannedLayers.ConvThenNorm(conv1, bn1, input).relu_();
            var y = PlannedLayers.ConvThenNorm(conv2, bn2, x).relu_();
            x.Dispose();
            var z = PlannedLayers.ConvThenNorm(conv3, bn3, y);
            y.Dispose();
            return ResidualBlocks.AddShortcut(z, input, downsample).MoveToOuterDisposeScope();
        }

        /// <summary>Every convolution followed by a batch norm, with that norm.</summary>
        internal IEnumerable<(Conv2d conv, nn.Module norm)> ConvNormPairs() =>
            new[] { (conv1, (nn.Module)bn1), (conv2, (nn.Module)bn2), (conv3, (nn.Module)bn3) }.Concat(ResidualBlocks.DownsamplePair(downsample));
    }

    /// <summary>
    /// What the residual blocks share. Each intermediate is released as soon as the next layer has read it, as Python's
    /// reference counting does in torchvision: a dispose scope alone would keep every one of them until the block ends,
    /// and in the frozen stages (no autograd graph to hold them) that is several full-resolution maps per block more at
    /// the peak. Disposing a handle autograd still needs only drops our reference; the graph keeps the storage.
    /// </summary>
    internal static class ResidualBlocks
    {
        /// <summary>relu(residual + shortcut), the shortcut being the input itself or its 1x1 projection (conv, norm).</summary>
        internal static Tensor AddShortcut(Tensor residual, Tensor input, Sequential? downsample)
        {
            if (downsample is null) return residual.add_(input).relu_();
            using var projected = PlannedLayers.ConvThenNorm((Conv2d)downsample[0], downsample[1], input);
            return residual.add_(projected).relu_();
        }

        /// <summary>The shortcut's projection as a (convolution, norm) pair, if the block has one.</summary>
        internal static IEnumerable<(Conv2d conv, nn.Module norm)> DownsamplePair(Sequential? downsample)
        {
            if (downsample is not null) yield return ((Conv2d)downsample[0], (nn.Module)downsample[1]);
        }
    }

    /// <summary>
    /// The ResNet body up to its last stage (torchvision's IntermediateLayerGetter over resnet{18,34,50,101}):
    /// returns the outputs C2..C5 of layer1..layer4 (strides 4, 8, 16, 32).
    /// </summary>
    public sealed class ResNetBody : nn.Module<Tensor, Tensor[]>
    {
        private readonly Conv2d conv1;
        private readonly nn.Module<Tensor, Tensor> bn1;
        private readonly Sequential layer1;
        private readonly Sequential layer2;
        private readonly Sequential layer3;
        private readonly Sequential layer4;

        /// <summary>
        /// Builds ResNet-<paramref name="depth"/> (18, 34, 50 or 101) with the given normalisation: basic blocks for 18 and
        /// 34, bottlenecks for 50 and 101, and the depth's standard number of blocks per stage unless
        /// <paramref name="stageBlocks"/> gives four others (ML.NET's ImageNet ResNet-18 has 2, 2, 2, 3).
        /// </summary>
        public ResNetBody(int depth, BackboneNormalization normalization, IReadOnlyList<int>? stageBlocks = null) : base(nameof(ResNetBody))
        {
            var standard = StandardStageBlocks(depth);
            bool bottleneck = depth >= 50;
            if (stageBlocks is not null && (stageBlocks.Count != 4 || stageBlocks.Any(b => b < 1)))
                throw new ArgumentException($"Four stages of at least one block each are needed; got [{string.Join(", ", stageBlocks)}].", nameof(stageBlocks));
            var blocks = stageBlocks?.ToArray() ?? standard;
            Depth = depth;
            StageBlocks = blocks;
            Func<long, nn.Module<Tensor, Tensor>> norm = normalization == BackboneNormalization.Frozen
                ? n => new FrozenBatchNorm2d(n)
                : n => nn.BatchNorm2d(n);
            long inPlanes = 64;
            conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
            bn1 = norm(64);
            layer1 = MakeStage(ref inPlanes, 64, blocks[0], 1, bottleneck, norm);
            layer2 = MakeStage(ref inPlanes, 128, blocks[1], 2, bottleneck, norm);
            layer3 = MakeStage(ref inPlanes, 256, blocks[2], 2, bottleneck, norm);
            layer4 = MakeStage(ref inPlanes, 512, blocks[3], 2, bottleneck, norm);
            StageChannels = new[] { 64L, 128, 256, 512 }.Select(c => c * (bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion)).ToArray();
            RegisterComponents();
            InitializeForTrainingFromScratch();
        }

        /// <summary>The standard residual blocks per stage of ResNet-<paramref name="depth"/> (basic blocks below 50, bottlenecks from 50).</summary>
        public static int[] StandardStageBlocks(int depth) => depth switch
        {
            18 => new[] { 2, 2, 2, 2 },
            34 => new[] { 3, 4, 6, 3 },
            50 => new[] { 3, 4, 6, 3 },
            101 => new[] { 3, 4, 23, 3 },
            _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, "ResNet depth must be 18, 34, 50 or 101."),
        };

        /// <summary>18, 34, 50 or 101.</summary>
        public int Depth { get; }

        /// <summary>Residual blocks in layer1..layer4.</summary>
        public IReadOnlyList<int> StageBlocks { get; }

        /// <summary>Channels of C2..C5: 64..512 for ResNet-18/34, 256..2048 for ResNet-50/101.</summary>
        public long[] StageChannels { get; }

        public override Tensor[] forward(Tensor input)
        {
            if (input.dim() != 4 || input.shape[1] != 3)
                throw new ArgumentException($"The backbone expects a batch of RGB images [N, 3, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
            using var scope = NewDisposeScope();
            Tensor stem;
            using (var batch = PlannedLayers.InPlannedLayout(input, training)) stem = PlannedLayers.ConvThenNorm(conv1, bn1, batch).relu_();
            var pooled = nn.functional.max_pool2d(stem, 3, 2, 1);
            stem.Dispose();
            var c2 = layer1.call(pooled);
            pooled.Dispose();
            var c3 = layer2.call(c2);
            var c4 = layer3.call(c3);
            var c5 = layer4.call(c4);
            return new[] { c2, c3, c4, c5 }.Select(t => t.MoveToOuterDisposeScope()).ToArray();
        }

        /// <summary>Every convolution followed by a batch norm (all of them), with that norm: what inference may fold.</summary>
        internal IEnumerable<(Conv2d conv, nn.Module norm)> ConvNormPairs()
        {
            var pairs = new List<(Conv2d, nn.Module)> { (conv1, (nn.Module)bn1) };
            foreach (var stage in new[] { layer1, layer2, layer3, layer4 })
                foreach (var (_, block) in stage.named_children())
                    pairs.AddRange(block switch
                    {
                        BasicBlock basic => basic.ConvNormPairs(),
                        Bottleneck bottleneck => bottleneck.ConvNormPairs(),
                        _ => throw new InvalidOperationException($"Unexpected block {block.GetType().Name} in the ResNet."),
                    });
            return pairs;
        }

        /// <summary>
        /// Freezes all but the last <paramref name="trainableStages"/> stages (0..5, counted from layer4 down to conv1),
        /// as torchvision's resnet_fpn_backbone: 5 also trains bn1.
        /// </summary>
        public void SetTrainableStages(int trainableStages)
        {
            if (trainableStages < 0 || trainableStages > 5)
                throw new ArgumentOutOfRangeException(nameof(trainableStages), trainableStages, "must be between 0 and 5");
            var trainable = new[] { "layer4", "layer3", "layer2", "layer1", "conv1" }.Take(trainableStages).ToList();
            if (trainableStages == 5) trainable.Add("bn1");
            foreach (var (name, parameter) in named_parameters())
                parameter.requires_grad = trainable.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
        }

        // torchvision's ResNet initialisation: Kaiming-normal (fan_out, ReLU) convolutions, unit-scale normalisation.
        private void InitializeForTrainingFromScratch()
        {
            using var noGrad = no_grad();
            foreach (var module in modules())
            {
                if (module is Conv2d conv) nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                else if (module is BatchNorm2d bn) { bn.weight.fill_(1); bn.bias!.zero_(); }
            }
        }

        private static Sequential MakeStage(ref long inPlanes, long planes, int blocks, long stride, bool bottleneck,
                                            Func<long, nn.Module<Tensor, Tensor>> norm)
        {
            int expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
            Sequential? downsample = null;
            if (stride != 1 || inPlanes != planes * expansion)
                downsample = nn.Sequential(nn.Conv2d(inPlanes, planes * expansion, 1, stride: stride, bias: false), norm(planes * expansion));
            var layers = new List<nn.Module<Tensor, Tensor>>();
            for (int i = 0; i < blocks; i++)
            {
                long s = i == 0 ? stride : 1;
                var ds = i == 0 ? downsample : null;
                layers.Add(bottleneck ? new Bottleneck(inPlanes, planes, s, norm, ds) : new BasicBlock(inPlanes, planes, s, norm, ds));
                inPlanes = planes * expansion;
            }
            return nn.Sequential(layers.ToArray());
        }
    }
}
