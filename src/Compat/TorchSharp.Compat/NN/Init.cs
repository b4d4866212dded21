using System;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>In-place parameter initialisers (run without recording gradients), as torch.nn.init.</summary>
            public static class init
            {
                /// <summary>Non-linearities known to <see cref="calculate_gain"/>.</summary>
                public enum NonlinearityType { Linear = 0, Conv1D = 1, Conv2D = 2, Conv3D = 3, ConvTranspose1D = 4, ConvTranspose2D = 5, ConvTranspose3D = 6, Sigmoid = 7, Tanh = 8, ReLU = 9, LeakyReLU = 10 }

                /// <summary>Which fan the Kaiming initialisers preserve.</summary>
                public enum FanInOut { FanIn = 0, FanOut = 1 }

                /// <summary>The recommended gain for a non-linearity (PyTorch's values).</summary>
                public static double calculate_gain(NonlinearityType nonlinearity, double param = 0.0) => nonlinearity switch
                {
                    NonlinearityType.Tanh => 5.0 / 3,
                    NonlinearityType.ReLU => Math.Sqrt(2.0),
                    NonlinearityType.LeakyReLU => Math.Sqrt(2.0 / (1 + param * param)),
                    _ => 1.0,
                };

                /// <summary>(fan_in, fan_out) of a weight: input/output feature maps times the receptive field size.</summary>
                public static (long fanIn, long fanOut) CalculateFanInAndFanOut(Tensor tensor)
                {
                    var shape = tensor.shape;
                    if (shape.Length < 2)
                        throw new ArgumentException("Fan in and fan out need a tensor with at least 2 dimensions.", nameof(tensor));
                    long receptive = 1;
                    for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
                    return (shape[1] * receptive, shape[0] * receptive);
                }

                private static Tensor NoGrad(Func<Tensor> action)
                {
                    using (no_grad()) return action();
                }

                public static Tensor uniform_(Tensor tensor, double low = 0, double high = 1, Generator generator = null) =>
                    NoGrad(() => tensor.uniform_(low, high, generator));

                public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1, Generator generator = null) =>
                    NoGrad(() => tensor.normal_(mean, std, generator));

                public static Tensor constant_(Tensor tensor, Scalar val) => NoGrad(() => tensor.fill_(val));
                public static Tensor zeros_(Tensor tensor) => NoGrad(() => tensor.zero_());
                public static Tensor ones_(Tensor tensor) => NoGrad(() => tensor.fill_(1));

                /// <summary>Samples N(mean, std²) truncated to [a, b] by inverse-CDF sampling.</summary>
                public static Tensor trunc_normal_(Tensor tensor, double mean = 0.0, double std = 1.0, double a = -2.0, double b = 2.0, Generator generator = null) =>
                    NoGrad(() =>
                    {
                        static double Cdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
                        double low = Cdf((a - mean) / std), high = Cdf((b - mean) / std);
                        // Uniform in [2low-1, 2high-1], then erfinv maps back to the truncated normal.
                        tensor.uniform_(2 * low - 1, 2 * high - 1, generator);
                        using var scope = NewDisposeScope();
                        tensor.copy_(tensor.erfinv().mul(std * Math.Sqrt(2)).add(mean).clamp(a, b));
                        return tensor;
                    });

                public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn, NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
                {
                    double bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity);
                    return uniform_(tensor, -bound, bound);
                }

                public static Tensor kaiming_normal_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn, NonlinearityType nonlinearity = NonlinearityType.LeakyReLU) =>
                    normal_(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity));

                public static Tensor xavier_uniform_(Tensor tensor, double gain = 1.0)
                {
                    var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                    double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                    return uniform_(tensor, -bound, bound);
                }

                public static Tensor xavier_normal_(Tensor tensor, double gain = 1.0)
                {
                    var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                    return normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
                }

                public static Tensor glorot_uniform_(Tensor tensor, double gain = 1.0) => xavier_uniform_(tensor, gain);
                public static Tensor glorot_normal_(Tensor tensor, double gain = 1.0) => xavier_normal_(tensor, gain);

                private static double KaimingStd(Tensor tensor, double a, FanInOut mode, NonlinearityType nonlinearity)
                {
                    var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                    long fan = mode == FanInOut.FanIn ? fanIn : fanOut;
                    return calculate_gain(nonlinearity, a) / Math.Sqrt(fan);
                }

                private static double Erf(double x)
                {
                    // Maclaurin series; |x| here is at most a few units, where it converges quickly.
                    double sum = x, term = x, x2 = x * x;
                    for (int n = 1; n < 200; n++)
                    {
                        term *= -x2 / n;
                        double next = term / (2 * n + 1);
                        sum += next;
                        if (Math.Abs(next) < 1e-17) break;
                    }
                    return 2 / Math.Sqrt(Math.PI) * sum;
                }
            }
        }
    }
}
