using System;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The output of a Mask R-CNN transformer (MaskRcnnTransformer or <see cref="MaskRcnnOnnxTransformer"/>) for one image,
    /// as a <c>PredictionEngine</c> or <c>CreateEnumerable</c> fills it (default column names). Detection i has key <c>PredictedLabel[i]</c> (class
    /// <c>ClassNames[key - 1]</c> of the transformer), <c>Score[i]</c>, the box <c>PredictedBoundingBoxes[4i..4i+3]</c>
    /// (x0, y0, x1, y1 in pixels) and the mask <c>PredictedMasks[i]</c>, a COCO compressed RLE string at the image's size.
    /// </summary>
    public sealed class InstanceSegmentationPrediction
    {
        /// <summary>The class keys (1..K), one per detection.</summary>
        [ColumnName(MaskRcnnColumnNames.PredictedLabel)]
        public uint[] PredictedLabel { get; set; } = Array.Empty<uint>();

        /// <summary>The scores, one per detection, highest first.</summary>
        [ColumnName(MaskRcnnColumnNames.Score)]
        public float[] Score { get; set; } = Array.Empty<float>();

        /// <summary>The boxes, 4 values per detection: x0, y0, x1, y1.</summary>
        [ColumnName(MaskRcnnColumnNames.PredictedBoundingBoxes)]
        public float[] PredictedBoundingBoxes { get; set; } = Array.Empty<float>();

        /// <summary>The masks, one COCO compressed RLE string per detection (column-major runs, at the image's size).</summary>
        [ColumnName(MaskRcnnColumnNames.PredictedMasks)]
        public string[] PredictedMasks { get; set; } = Array.Empty<string>();

        /// <summary>The number of detections.</summary>
        [NoColumn]
        public int Count => Score.Length;

        /// <summary>The box of detection <paramref name="index"/>.</summary>
        public (float X0, float Y0, float X1, float Y1) GetBox(int index)
        {
            CheckIndex(index);
            if (PredictedBoundingBoxes.Length < 4 * (index + 1))
                throw new InvalidOperationException($"{nameof(PredictedBoundingBoxes)} holds {PredictedBoundingBoxes.Length} values, too few for detection {index}.");
            return (PredictedBoundingBoxes[4 * index], PredictedBoundingBoxes[4 * index + 1], PredictedBoundingBoxes[4 * index + 2], PredictedBoundingBoxes[4 * index + 3]);
        }

        /// <summary>The boxes of all detections.</summary>
        public (float X0, float Y0, float X1, float Y1)[] GetBoxes()
        {
            var boxes = new (float, float, float, float)[Count];
            for (int i = 0; i < boxes.Length; i++) boxes[i] = GetBox(i);
            return boxes;
        }

        /// <summary>The mask of detection <paramref name="index"/> as a run-length mask of an image of the given size.</summary>
        public RleMask GetMask(int index, int imageHeight, int imageWidth)
        {
            CheckIndex(index);
            if (PredictedMasks.Length <= index)
                throw new InvalidOperationException($"{nameof(PredictedMasks)} holds {PredictedMasks.Length} masks, too few for detection {index}.");
            return RleMask.FromCompressedString(PredictedMasks[index], imageHeight, imageWidth);
        }

        /// <summary>The mask of detection <paramref name="index"/>: H x W bytes, row-major, 1 inside and 0 outside.</summary>
        public byte[] DecodeMask(int index, int imageHeight, int imageWidth) => GetMask(index, imageHeight, imageWidth).Decode();

        /// <summary>The mask of detection <paramref name="index"/>: H x W flags, row-major.</summary>
        public bool[] DecodeMaskAsBooleans(int index, int imageHeight, int imageWidth)
        {
            var bytes = DecodeMask(index, imageHeight, imageWidth);
            var flags = new bool[bytes.Length];
            for (int i = 0; i < bytes.Length; i++) flags[i] = bytes[i] != 0;
            return flags;
        }

        /// <summary>
        /// The detections as <see cref="Training.InstancePrediction"/> records (class names from
        /// <paramref name="classNames"/>, the transformer's <c>ClassNames</c>), e.g. for the overlay renderer.
        /// </summary>
        public Training.InstancePrediction[] ToInstances(System.Collections.Generic.IReadOnlyList<string> classNames, int imageHeight, int imageWidth)
        {
            ArgumentNullException.ThrowIfNull(classNames);
            var instances = new Training.InstancePrediction[Count];
            for (int i = 0; i < instances.Length; i++)
            {
                uint key = i < PredictedLabel.Length ? PredictedLabel[i]
                    : throw new InvalidOperationException($"{nameof(PredictedLabel)} holds {PredictedLabel.Length} keys, too few for detection {i}.");
                if (key == 0 || key > classNames.Count)
                    throw new ArgumentException($"Detection {i} has key {key}, outside the {classNames.Count} class names given.", nameof(classNames));
                var (x0, y0, x1, y1) = GetBox(i);
                instances[i] = new Training.InstancePrediction((int)key, key, classNames[(int)key - 1], Score[i], x0, y0, x1, y1,
                                                               GetMask(i, imageHeight, imageWidth));
            }
            return instances;
        }

        private void CheckIndex(int index)
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {Count} detections.");
        }
    }
}
