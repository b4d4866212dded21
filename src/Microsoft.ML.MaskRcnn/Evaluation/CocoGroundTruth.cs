using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// Ground truth for <see cref="CocoEvaluator"/> from a dataset. For a COCO dataset prefer its original file
    /// (<see cref="CocoDataset.File"/> or <see cref="CocoAnnotationFile.Load(string)"/>): it keeps the annotations' exact
    /// polygons, boxes and areas as pycocotools would read them.
    /// </summary>
    public static class CocoGroundTruth
    {
        /// <summary>
        /// The dataset's annotations as a COCO file: one image per sample (file name = path), the dataset's categories,
        /// each instance with its mask as RLE, its box (x0, y0, x1, y1 as x, y, w, h), area and crowd flag. Reads every
        /// mask once (not the image pixels).
        /// </summary>
        public static CocoAnnotationFile FromDataset(InstanceSegmentationDataset dataset)
        {
            if (dataset is null) throw new ArgumentNullException(nameof(dataset));
            var images = new List<CocoImage>(dataset.Count);
            var annotations = new List<CocoAnnotation>();
            for (int i = 0; i < dataset.Count; i++)
            {
                var descriptor = dataset.GetDescriptor(i);
                images.Add(new CocoImage(descriptor.ImageId, descriptor.Path, descriptor.Width, descriptor.Height));
                var instances = dataset.LoadAnnotations(i);
                for (int k = 0; k < instances.Count; k++)
                {
                    var rle = RleMask.Encode(instances.GetMask(k), instances.Height, instances.Width);
                    annotations.Add(new CocoAnnotation(instances.AnnotationIds[k], descriptor.ImageId, dataset.Categories.ToCategoryId(instances.Labels[k]),
                                                       CocoSegmentation.FromRle(rle), instances.GetBox(k), instances.Areas[k], instances.IsCrowd[k]));
                }
            }
            var categories = new List<CocoCategory>(dataset.Categories.Count);
            for (int label = 1; label <= dataset.Categories.Count; label++)
                categories.Add(new CocoCategory(dataset.Categories.ToCategoryId(label), dataset.Categories.GetName(label)));
            return new CocoAnnotationFile(images, categories, annotations, "dataset ground truth");
        }
    }
}
