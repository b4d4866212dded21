namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>What COCO evaluation compares: boxes or masks (pycocotools' iouType).</summary>
    public enum CocoIouType
    {
        /// <summary>"bbox": box IoU; a detection's area (for the area ranges) is its box's width x height.</summary>
        Bbox,

        /// <summary>"segm": mask IoU on run-length masks; a detection's area is its mask's pixel count.</summary>
        Segm,
    }
}
