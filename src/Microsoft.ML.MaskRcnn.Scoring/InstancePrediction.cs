using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>
    /// One detected object: class (label 1..K and its category), score, box (x0, y0, x1, y1 in the image's pixels) and its
    /// mask as a run-length mask at the image's size. Both scoring paths (TorchSharp and ONNX Runtime) produce these.
    /// </summary>
    public sealed record InstancePrediction(int Label, long CategoryId, string CategoryName, float Score, float X0, float Y0, float X1, float Y1, RleMask Mask);
}
