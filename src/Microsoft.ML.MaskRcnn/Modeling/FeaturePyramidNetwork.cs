using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Feature Pyramid Network (Lin et al.): 1x1 lateral convolutions bring C2..C5 to a common width, a top-down
    /// pathway adds each coarser level (nearest-upsampled) to the next finer one, and 3x3 convolutions smooth the
    /// sums into P2..P5. P6 is a stride-2 max-pool of P5, used only by the RPN. Field names follow torchvision
    /// (inner_blocks.i.0, layer_blocks.i.0).
    /// </summary>
    public sealed class FeaturePyramidNetwork : nn.Module<Tensor[], Tensor[]>
    {
        private readonly ModuleList<Sequential> inner_blocks;
        private readonly ModuleList<Sequential> layer_blocks;

        /// <summary>Creates the pyramid over inputs with <paramref name="inChannels"/> channels each.</summary>
        public FeaturePyramidNetwork(IReadOnlyList<long> inChannels, long outChannels) : base(nameof(FeaturePyramidNetwork))
        {
            if (inChannels.Count == 0) throw new ArgumentException("The pyramid needs at least one input level.", nameof(inChannels));
            OutChannels = outChannels;
            inner_blocks = new ModuleList<Sequential>(inChannels.Select(c => nn.Sequential(nn.Conv2d(c, outChannels, 1))).ToArray());
            layer_blocks = new ModuleList<Sequential>(inChannels.Select(_ => nn.Sequential(nn.Conv2d(outChannels, outChannels, 3, padding: 1))).ToArray());
            RegisterComponents();
            using var noGrad = no_grad();
            foreach (var conv in modules().OfType<Conv2d>())
            {
                nn.init.kaiming_uniform_(conv.weight, a: 1);
                nn.init.zeros_(conv.bias!);
            }
        }

        /// <summary>Channels of every output level.</summary>
        public long OutChannels { get; }

        /// <summary>Maps C2..C5 to P2..P6 (the last level being the max-pool of P5).</summary>
        public override Tensor[] forward(Tensor[] inputs)
        {
            if (inputs.Length != inner_blocks.Count)
                throw new ArgumentException($"The pyramid was built for {inner_blocks.Count} levels but received {inputs.Length}.", nameof(inputs));
            using var scope = NewDisposeScope();
            int last = inputs.Length - 1;
            var results = new Tensor[inputs.Length + 1];
            var topDown = Lateral(last, inputs[last]);
            results[last] = Smooth(last, topDown);
            for (int level = last - 1; level >= 0; level--)
            {
                // The lateral map is a convolution's fresh output that nothing else reads, so the sum can be written over
                // it; the upsampled coarser level and the coarser sum are released at once (the next 3x3 convolution keeps
                // what backward needs).
                var lateral = Lateral(level, inputs[level]);
                var size = lateral.shape.Skip(2).ToArray();
                using (var upsampled = nn.functional.interpolate(topDown, size, mode: InterpolationMode.Nearest))
                    lateral.add_(upsampled);
                topDown.Dispose();
                topDown = lateral;
                results[level] = Smooth(level, topDown);
            }
            topDown.Dispose();
            results[^1] = nn.functional.max_pool2d(results[last], 1, 2, 0);
            return results.Select(t => t.MoveToOuterDisposeScope()).ToArray();
        }

        // The 1x1 lateral and the 3x3 smoothing convolution of a level (each the only layer of its Sequential).
        private Tensor Lateral(int level, Tensor input) => PlannedLayers.Conv((Conv2d)inner_blocks[level][0], input);

        private Tensor Smooth(int level, Tensor input) => PlannedLayers.Conv((Conv2d)layer_blocks[level][0], input);
    }

    /// <summary>
    /// A ResNet body followed by an FPN (torchvision's BackboneWithFPN, fields "body" and "fpn"): images in,
    /// five 256-channel feature maps out, named "0".."3" (P2..P5) and "pool" (P6).
    /// </summary>
    public sealed class ResNetFpnBackbone : nn.Module<Tensor, Tensor[]>
    {
        /// <summary>The names of the returned levels, in order, as torchvision names them.</summary>
        public static readonly IReadOnlyList<string> LevelNames = new[] { "0", "1", "2", "3", "pool" };

        private readonly ResNetBody body;
        private readonly FeaturePyramidNetwork fpn;

        /// <summary>Builds ResNet-<paramref name="depth"/>-FPN (blocks per stage: see <see cref="ResNetBody"/>).</summary>
        public ResNetFpnBackbone(int depth, BackboneNormalization normalization, int trainableStages, long outChannels = 256,
                                 IReadOnlyList<int>? stageBlocks = null)
            : base(nameof(ResNetFpnBackbone))
        {
            body = new ResNetBody(depth, normalization, stageBlocks);
            body.SetTrainableStages(trainableStages);
            fpn = new FeaturePyramidNetwork(body.StageChannels, outChannels);
            RegisterComponents();
        }

        /// <summary>Channels of every returned level.</summary>
        public long OutChannels => fpn.OutChannels;

        internal ResNetBody Body => body;

        internal FeaturePyramidNetwork Fpn => fpn;

        public override Tensor[] forward(Tensor images)
        {
            using var scope = NewDisposeScope();
            var stages = body.call(images);
            var features = fpn.call(stages);
            foreach (var stage in stages) stage.Dispose();
            // The levels leave the backbone in float32 whatever the plan computed in: proposals and RoIAlign read them.
            return features.Select(t => PlannedLayers.ToFloat32(t).MoveToOuterDisposeScope()).ToArray();
        }
    }
}
