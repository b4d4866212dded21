using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Onnx
{
    /// <summary>
    /// The backbone as ONNX nodes: the ResNet body (stem, residual stages) and the feature pyramid, read from the modules
    /// themselves (their children, convolution settings and weights) and written under their state-dict keys. Each batch
    /// norm becomes a per-channel multiply and add with the scale and shift the network computes (ONNX Runtime fuses them
    /// into the convolution when it loads the file).
    /// </summary>
    internal static class OnnxBackboneGraph
    {
        /// <summary>The five pyramid levels (P2..P5 and the pooled P6) of the normalised image batch <paramref name="images"/>.</summary>
        internal static string[] Build(OnnxGraphBuilder g, ResNetFpnBackbone backbone, string images)
        {
            var stages = Body(g, backbone.Body, images, "backbone.body");
            return Pyramid(g, backbone.Fpn, stages, "backbone.fpn");
        }

        private static string[] Body(OnnxGraphBuilder g, ResNetBody body, string images, string key)
        {
            var stem = g.Relu(ConvThenNorm(g, body, "conv1", "bn1", images, key));
            var x = g.MaxPool(stem, 3, 2, 1);
            var stages = new string[4];
            for (int stage = 0; stage < stages.Length; stage++)
            {
                string name = $"layer{stage + 1}";
                foreach (var (index, block) in ModuleTree.Child<Sequential>(body, name).named_children())
                    x = ResidualBlock(g, block, x, $"{key}.{name}.{index}");
                stages[stage] = x;
            }
            return stages;
        }

        // Basic blocks (two convolutions) and bottlenecks (three) alike: conv-norm-relu for every convolution but the
        // last, conv-norm for the last, then relu(residual + shortcut), the shortcut being the input or its projection.
        private static string ResidualBlock(OnnxGraphBuilder g, nn.Module block, string input, string key)
        {
            int convolutions = block.named_children().Count(c => c.name.StartsWith("conv", StringComparison.Ordinal));
            if (convolutions < 2) throw new NotSupportedException($"The residual block '{key}' has {convolutions} convolutions; the exporter knows ResNet's blocks.");
            var x = input;
            for (int i = 1; i <= convolutions; i++)
            {
                x = ConvThenNorm(g, block, $"conv{i}", $"bn{i}", x, key);
                if (i < convolutions) x = g.Relu(x);
            }
            var shortcut = block.named_children().Any(c => c.name == "downsample")
                ? ConvThenNorm(g, ModuleTree.Child<Sequential>(block, "downsample"), "0", "1", input, key + ".downsample")
                : input;
            return g.Relu(g.Add(x, shortcut));
        }

        private static string ConvThenNorm(OnnxGraphBuilder g, nn.Module parent, string convName, string normName, string x, string key)
        {
            var convolved = g.Conv(x, ModuleTree.Child<Conv2d>(parent, convName), $"{key}.{convName}");
            var (scale, shift) = ScaleAndShift(ModuleTree.Child<nn.Module>(parent, normName), $"{key}.{normName}");
            using (scale)
            using (shift)
                return g.Add(g.Mul(convolved, g.Weight($"{key}.{normName}.scale", scale)), g.Weight($"{key}.{normName}.shift", shift));
        }

        // Both kinds of norm in evaluation: y = x * scale + shift per channel, shaped [1, C, 1, 1] to broadcast.
        private static (Tensor scale, Tensor shift) ScaleAndShift(nn.Module norm, string key)
        {
            using var scope = NewDisposeScope();
            var (scale, shift) = norm switch
            {
                FrozenBatchNorm2d frozen => frozen.ScaleAndShiftPerChannel(),
                BatchNorm2d bn => BatchNormScaleAndShift(bn),
                _ => throw new NotSupportedException($"The normalisation '{key}' is a {norm.GetType().Name}; the exporter knows frozen and ordinary batch norm."),
            };
            return (scale.view(1, -1, 1, 1).MoveToOuterDisposeScope(), shift.view(1, -1, 1, 1).MoveToOuterDisposeScope());
        }

        private static (Tensor scale, Tensor shift) BatchNormScaleAndShift(BatchNorm2d bn)
        {
            var scale = bn.weight! * (bn.running_var! + bn.eps).rsqrt();
            return (scale, bn.bias! - bn.running_mean! * scale);
        }

        // Lateral 1x1 convolutions, a top-down pathway of nearest-neighbour 2x upsampling and sums, 3x3 smoothing, and
        // P6 as the stride-2 subsampling of P5 (a 1x1 max-pool).
        private static string[] Pyramid(OnnxGraphBuilder g, FeaturePyramidNetwork fpn, string[] stages, string key)
        {
            var inner = ModuleTree.Child<nn.Module>(fpn, "inner_blocks");
            var layer = ModuleTree.Child<nn.Module>(fpn, "layer_blocks");
            string Lateral(int level, string x) => g.Conv(x, ModuleTree.Child<Conv2d>(ModuleTree.Child<nn.Module>(inner, $"{level}"), "0"), $"{key}.inner_blocks.{level}.0");
            string Smooth(int level, string x) => g.Conv(x, ModuleTree.Child<Conv2d>(ModuleTree.Child<nn.Module>(layer, $"{level}"), "0"), $"{key}.layer_blocks.{level}.0");

            int last = stages.Length - 1;
            var results = new string[stages.Length + 1];
            var topDown = Lateral(last, stages[last]);
            results[last] = Smooth(last, topDown);
            for (int level = last - 1; level >= 0; level--)
            {
                var lateral = Lateral(level, stages[level]);
                var upsampled = g.Op("Resize", new[] { topDown, "", "", g.Shape(lateral) },
                                     OnnxAttribute.Of("mode", "nearest"), OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
                                     OnnxAttribute.Of("nearest_mode", "floor"));
                topDown = g.Add(lateral, upsampled);
                results[level] = Smooth(level, topDown);
            }
            results[^1] = g.MaxPool(results[last], 1, 2, 0);
            return results;
        }
    }

    /// <summary>Looks up a module's child by its state-dict name.</summary>
    internal static class ModuleTree
    {
        internal static T Child<T>(nn.Module parent, string name) where T : nn.Module
        {
            foreach (var (childName, child) in parent.named_children())
                if (childName == name)
                    return child as T ?? throw new NotSupportedException($"The module '{name}' is a {child.GetType().Name}, not the {typeof(T).Name} the exporter expects.");
            throw new NotSupportedException($"The module has no child '{name}' (children: {string.Join(", ", parent.named_children().Select(c => c.name))}).");
        }
    }
}
