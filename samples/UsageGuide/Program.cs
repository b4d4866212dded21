using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Training;

var ml = new MLContext(seed: 0);
ml.Log += (_, e) => { if (e.Kind >= Microsoft.ML.Runtime.ChannelMessageKind.Info) Console.WriteLine(e.RawMessage); };

IDataView train = ml.Data.LoadFromEnumerable(trainRows);   // Row[]: see the class at the end
IDataView test = ml.Data.LoadFromEnumerable(testRows);

var options = new MaskRcnnEstimator.Options
{
    Trainer = MaskRcnnTrainerOptions.SmallFromScratch(numClasses: 0),   // any count: Fit sets it from the labels
    ScoreThreshold = 0.5,
};
options.Trainer.Epochs = 30;

var pipeline = ml.Transforms.LoadImages("Image", imageFolder, nameof(Row.ImagePath))
    .Append(ml.Transforms.DetectInstances(options));
var model = pipeline.Fit(train);                       // TransformerChain<MaskRcnnTransformer>

IDataView scored = model.Transform(test);              // lazy: images are predicted as rows are read
InstanceSegmentationMetrics metrics = ml.Transforms.EvaluateInstances(scored);
Console.WriteLine($"box mAP@50 {metrics.MAP50:F3}, box mAP {metrics.MAP50_95:F3}, mask mAP {metrics.MaskMAP50_95:F3}");
Console.WriteLine(metrics.FormatSummary());            // both COCO tables and AP per class

ml.Model.Save(model, train.Schema, "model.zip");

var other = new MLContext();
ITransformer loaded = other.Model.Load("model.zip", out DataViewSchema inputSchema);
var classNames = ((MaskRcnnTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer).ClassNames;
var engine = other.Model.CreatePredictionEngine<ImageFile, InstanceSegmentationPrediction>(loaded);
string imagePath = testRows[0].ImagePath;                                   // relative to imageFolder
InstanceSegmentationPrediction p = engine.Predict(new ImageFile { ImagePath = imagePath });
using var picture = MLImage.CreateFromFile(Path.Combine(imageFolder, imagePath));   // for its size
for (int i = 0; i < p.Count; i++)
{
    var (x0, y0, x1, y1) = p.GetBox(i);
    byte[] mask = p.DecodeMask(i, picture.Height, picture.Width);   // H x W, row-major, 1 inside
    Console.WriteLine($"{classNames[(int)p.PredictedLabel[i] - 1]} {p.Score[i]:F2} [{x0}, {y0}, {x1}, {y1}], {mask.Count(b => b == 1)} px");
}

public sealed class Row                        // one image and its objects
{
    public string ImagePath { get; set; }      // relative to the image folder
    public string[] Label { get; set; }        // one class name per object (or [KeyType(K)] uint[] keys)
    public float[] BoundingBoxes { get; set; } // x0, y0, x1, y1 per object, in pixels
    public string[] Masks { get; set; }        // one COCO compressed RLE string per object, at the image's size
}

public sealed class ImageFile { public string ImagePath { get; set; } }
