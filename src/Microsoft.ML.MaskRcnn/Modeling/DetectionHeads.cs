using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// The RPN's head, shared by all levels: a 3x3 convolution with ReLU, then 1x1 convolutions predicting per anchor
    /// an objectness logit and four box deltas (fields conv.0.0, cls_logits, bbox_pred as in torchvision).
    /// </summary>
    public sealed class RpnHead : nn.Module<Tensor[], (Tensor[] objectness, Tensor[] deltas)>
    {
        private readonly Sequential conv;
        private readonly Conv2d cls_logits;
        private readonly Conv2d bbox_pred;

        public RpnHead(long inChannels, long anchorsPerLocation) : base(nameof(RpnHead))
        {
            conv = nn.Sequential(nn.Sequential(nn.Conv2d(inChannels, inChannels, 3, padding: 1), nn.ReLU()));
            cls_logits = nn.Conv2d(inChannels, anchorsPerLocation, 1);
            bbox_pred = nn.Conv2d(inChannels, anchorsPerLocation * 4, 1);
            RegisterComponents();
            using var noGrad = no_grad();
            foreach (var c in modules().OfType<Conv2d>())
            {
                nn.init.normal_(c.weight, std: 0.01);
                nn.init.zeros_(c.bias!);
            }
        }

        public override (Tensor[] objectness, Tensor[] deltas) forward(Tensor[] features)
        {
            using var scope = NewDisposeScope();
            var objectness = new Tensor[features.Length];
            var deltas = new Tensor[features.Length];
            var shared = (Conv2d)((Sequential)conv[0])[0];
            for (int i = 0; i < features.Length; i++)
            {
                using var hidden = PlannedLayers.Conv(shared, features[i]).relu_();
                objectness[i] = PlannedLayers.ToFloat32(PlannedLayers.Conv(cls_logits, hidden)).MoveToOuterDisposeScope();
                deltas[i] = PlannedLayers.ToFloat32(PlannedLayers.Conv(bbox_pred, hidden)).MoveToOuterDisposeScope();
            }
            return (objectness, deltas);
        }
    }

    /// <summary>The box head: two fully connected layers with ReLU over flattened RoI features (fc6, fc7).</summary>
    public sealed class TwoMlpHead : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc6;
        private readonly Linear fc7;

        public TwoMlpHead(long inChannels, long representationSize) : base(nameof(TwoMlpHead))
        {
            fc6 = nn.Linear(inChannels, representationSize);
            fc7 = nn.Linear(representationSize, representationSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var hidden = PlannedLayers.Linear(fc6, input.flatten(1)).relu_();
            return PlannedLayers.ToFloat32(PlannedLayers.Linear(fc7, hidden).relu_()).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Class scores (background included) and class-specific box deltas (cls_score, bbox_pred).</summary>
    public sealed class FastRcnnPredictor : nn.Module<Tensor, (Tensor scores, Tensor deltas)>
    {
        private readonly Linear cls_score;
        private readonly Linear bbox_pred;

        public FastRcnnPredictor(long inChannels, long numClasses) : base(nameof(FastRcnnPredictor))
        {
            cls_score = nn.Linear(inChannels, numClasses);
            bbox_pred = nn.Linear(inChannels, numClasses * 4);
            RegisterComponents();
        }

        public override (Tensor scores, Tensor deltas) forward(Tensor input)
        {
            using var flat = input.flatten(1);
            return (cls_score.call(flat), bbox_pred.call(flat));
        }
    }

    /// <summary>The mask head's fully convolutional trunk: 3x3 convolutions with ReLU (fields "0.0", "1.0", ...).</summary>
    public sealed class MaskRcnnHeads : nn.Module<Tensor, Tensor>
    {
        // An array, not a module field: the blocks are registered under their indices, as torchvision's Sequential.
        private readonly nn.Module<Tensor, Tensor>[] blocks;

        public MaskRcnnHeads(long inChannels, long[] layerChannels, long dilation = 1) : base(nameof(MaskRcnnHeads))
        {
            if (layerChannels.Length == 0) throw new ArgumentException("The mask head needs at least one layer.", nameof(layerChannels));
            long next = inChannels;
            blocks = new nn.Module<Tensor, Tensor>[layerChannels.Length];
            for (int i = 0; i < layerChannels.Length; i++)
            {
                blocks[i] = nn.Sequential(nn.Conv2d(next, layerChannels[i], 3, padding: dilation, dilation: dilation), nn.ReLU());
                register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), blocks[i]);
                next = layerChannels[i];
            }
            using var noGrad = no_grad();
            foreach (var conv in modules().OfType<Conv2d>())
            {
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                nn.init.zeros_(conv.bias!);
            }
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor x;
            using (var pooled = PlannedLayers.InPlannedLayout(input, training)) x = Block(0, pooled);
            for (int i = 1; i < blocks.Length; i++)
            {
                var next = Block(i, x);
                x.Dispose(); // released as soon as read, as Python would; autograd keeps what backward needs
                x = next;
            }
            return PlannedLayers.ToFloat32(x).MoveToOuterDisposeScope();
        }

        // One 3x3 convolution (the first layer of block i's Sequential) and its ReLU.
        private Tensor Block(int i, Tensor input) => PlannedLayers.Conv((Conv2d)((Sequential)blocks[i])[0], input).relu_();
    }

    /// <summary>Upsamples mask features 2x (transposed convolution, ReLU) and predicts one mask logit map per class.</summary>
    public sealed class MaskRcnnPredictor : nn.Module<Tensor, Tensor>
    {
        private readonly ConvTranspose2d conv5_mask;
        private readonly Conv2d mask_fcn_logits;

        public MaskRcnnPredictor(long inChannels, long hiddenChannels, long numClasses) : base(nameof(MaskRcnnPredictor))
        {
            conv5_mask = nn.ConvTranspose2d(inChannels, hiddenChannels, 2, stride: 2);
            mask_fcn_logits = nn.Conv2d(hiddenChannels, numClasses, 1);
            RegisterComponents();
            using var noGrad = no_grad();
            foreach (var (name, p) in named_parameters())
            {
                if (name.EndsWith("weight", StringComparison.Ordinal))
                    nn.init.kaiming_normal_(p, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                else nn.init.zeros_(p);
            }
        }

        public override Tensor forward(Tensor input)
        {
            using var hidden = conv5_mask.call(input).relu_();
            return mask_fcn_logits.call(hidden);
        }
    }
}
