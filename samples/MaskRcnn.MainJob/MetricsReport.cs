using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Evaluation;

namespace MaskRcnn.MainJob
{
    /// <summary>COCO figures of one iou type, named as COCO's summary names them.</summary>
    public sealed record CocoFigures(double AP, double AP50, double AP75, double APSmall, double APMedium, double APLarge,
                                     double AR1, double AR10, double AR100, double ARSmall, double ARMedium, double ARLarge)
    {
        public static CocoFigures From(CocoEvaluationResult r) =>
            new(r.AP, r.AP50, r.AP75, r.APSmall, r.APMedium, r.APLarge, r.AR1, r.AR10, r.AR100, r.ARSmall, r.ARMedium, r.ARLarge);
    }

    /// <summary>Per-class AP.</summary>
    public sealed record ClassFigures(string Name, int Instances, double BoxAP, double MaskAP);

    /// <summary>What the main job measured; written as metrics.json.</summary>
    public sealed record MetricsReport(
        int TrainImages, int TestImages, int Steps, double TrainingSeconds, double ImagesPerSecond,
        IReadOnlyDictionary<string, double> FinalLosses, CocoFigures Box, CocoFigures Mask, IReadOnlyList<ClassFigures> PerClass,
        int Detections, double ScoreThresholdForPictures, bool ReloadedModelPredictsIdentically, string Model, IReadOnlyList<string> Overlays)
    {
        public static IReadOnlyList<ClassFigures> Classes(InstanceSegmentationMetrics m) =>
            m.PerClass.Select(c => new ClassFigures(c.Name, c.Instances, c.BoxAP, c.MaskAP)).ToList();

        public void Write(string path) =>
            File.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

        public static MetricsReport Read(string path) => JsonSerializer.Deserialize<MetricsReport>(File.ReadAllText(path))!;
    }
}
