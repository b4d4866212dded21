using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>Splits an instance-id mask (value k marks instance k, 0 the background) into per-instance annotations.</summary>
    internal static class InstanceIdMask
    {
        public static InstanceAnnotations ToInstances(ImageBuffer mask, ImageDescriptor descriptor, Func<string, int, int>? classMap, int classCount, string path)
        {
            int h = mask.Height, w = mask.Width;
            var values = ReadValues(mask);
            // One pass for pixel counts and extents per value.
            int maxValue = mask.BitDepth == 16 ? 65535 : 255;
            var count = new int[maxValue + 1];
            var minX = new int[maxValue + 1];
            var minY = new int[maxValue + 1];
            var maxX = new int[maxValue + 1];
            var maxY = new int[maxValue + 1];
            for (int y = 0, i = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++, i++)
                {
                    int v = values[i];
                    if (v == 0) continue;
                    if (count[v]++ == 0)
                    {
                        minX[v] = maxX[v] = x;
                        minY[v] = maxY[v] = y;
                    }
                    else
                    {
                        if (x < minX[v]) minX[v] = x;
                        if (x > maxX[v]) maxX[v] = x;
                        maxY[v] = y;  // rows are visited in order
                    }
                }
            }
            string name = Path.GetFileName(descriptor.Path);
            var slot = new int[maxValue + 1];  // instance index + 1 per value, 0 for none
            var kept = new List<(int Value, int Label)>();
            for (int v = 1; v <= maxValue; v++)
            {
                if (count[v] == 0) continue;
                int label = classMap?.Invoke(name, v) ?? 1;
                if (label == 0) continue;
                if (label < 0 || label > classCount)
                    throw new InvalidDataException($"{path}: the class map gives instance {v} label {label}, outside 1..{classCount}.");
                kept.Add((v, label));
                slot[v] = kept.Count;
            }
            int n = kept.Count;
            var boxes = new float[4 * n];
            var labels = new int[n];
            var ids = new long[n];
            var areas = new double[n];
            for (int k = 0; k < n; k++)
            {
                int v = kept[k].Value;
                boxes[4 * k] = minX[v];
                boxes[4 * k + 1] = minY[v];
                boxes[4 * k + 2] = maxX[v] + 1;
                boxes[4 * k + 3] = maxY[v] + 1;
                labels[k] = kept[k].Label;
                ids[k] = descriptor.ImageId * 65536 + v;
                areas[k] = count[v];
            }
            int plane = h * w;
            var masks = new byte[(long)n * plane];
            for (int i = 0; i < plane; i++)
            {
                int s = slot[values[i]];
                if (s != 0) masks[(long)(s - 1) * plane + i] = 1;
            }
            return new InstanceAnnotations(h, w, boxes, labels, new bool[n], ids, areas, masks);
        }

        private static int[] ReadValues(ImageBuffer mask)
        {
            var values = new int[mask.Width * mask.Height];
            if (mask.BitDepth == 8)
            {
                var data = mask.Data;
                for (int i = 0; i < values.Length; i++) values[i] = data[i];
            }
            else
            {
                var data = mask.AsUInt16();
                for (int i = 0; i < values.Length; i++) values[i] = data[i];
            }
            return values;
        }
    }
}
