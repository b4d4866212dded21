namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The default column names of the Mask R-CNN components (ML.NET's object-detection names, plus the mask columns), shared
    /// by the TorchSharp estimator (DetectInstances), the ONNX Runtime one (DetectInstancesWithOnnx) and
    /// <see cref="InstanceSegmentationPrediction"/>.
    /// </summary>
    public static class MaskRcnnColumnNames
    {
        /// <summary>"Image".</summary>
        public const string Image = "Image";

        /// <summary>"Label".</summary>
        public const string Label = "Label";

        /// <summary>"BoundingBoxes".</summary>
        public const string BoundingBoxes = "BoundingBoxes";

        /// <summary>"Masks".</summary>
        public const string Masks = "Masks";

        /// <summary>"PredictedLabel".</summary>
        public const string PredictedLabel = "PredictedLabel";

        /// <summary>"Score".</summary>
        public const string Score = "Score";

        /// <summary>"PredictedBoundingBoxes".</summary>
        public const string PredictedBoundingBoxes = "PredictedBoundingBoxes";

        /// <summary>"PredictedMasks".</summary>
        public const string PredictedMasks = "PredictedMasks";
    }
}
