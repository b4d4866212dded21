using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Transforms.Image;

/// <summary>The other code blocks of docs/usage.md, verbatim.</summary>
public static class UsageSnippets
{
    public sealed class InMemory { [ImageType(480, 640)] public MLImage Image { get; set; } }

    public static InstanceSegmentationPrediction PredictInMemory(MLContext ml, TransformerChain<MaskRcnnTransformer> model, MLImage image)
    {
        using var engine = ml.Model.CreatePredictionEngine<InMemory, InstanceSegmentationPrediction>(
            model.LastTransformer, new PredictionEngineOptions { OwnsTransformer = false });
        return engine.Predict(new InMemory { Image = image });     // e.g. MLImage.CreateFromFile("street.jpg")
    }

    // Needs package Microsoft.ML.DnnImageFeaturizer.ResNet18 in the application (its DnnImageModels folder in the output).
    public static IEstimator<ITransformer> PretrainedPipeline(MLContext ml, string imageFolder)
    {
        var options = new MaskRcnnEstimator.Options { Trainer = MaskRcnnTrainerOptions.SmallPretrained(numClasses: 2) };
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder, "ImagePath").Append(ml.Transforms.DetectInstances(options));
        return pipeline;
    }

    public static ITransformer ImportFromTorchvision(MLContext ml, IDataView rows, string imageFolder, Microsoft.ML.MaskRcnn.Modeling.MaskRcnnOptions networkOptions)
    {
        var options = new MaskRcnnEstimator.Options
        {
            Trainer = new MaskRcnnTrainerOptions
            {
                Model = networkOptions,                       // the options the builder was written from
                InitialWeights = "trained.pth", InitialWeightsIncludePredictors = true,
                Epochs = 0, MaxSteps = 0,                     // nothing to train: the network is trained.pth, all of it
            },
        };
        var model = ml.Transforms.LoadImages("Image", imageFolder, "ImagePath").Append(ml.Transforms.DetectInstances(options)).Fit(rows);
        return model;
    }

    // mask: H x W, row-major, non-zero = object; polygon: COCO's x0, y0, x1, y1, ... in pixels
    public static (string Rle, string FromPolygon, byte[] Back) MasksAsRle(byte[] mask, double[] polygon, int height, int width)
    {
        string rle = RleMask.Encode(mask, height, width).ToCompressedString();
        string fromPolygon = PolygonRasterizer.Rasterize(polygon, height, width).ToCompressedString();   // pycocotools' pixels
        byte[] back = RleMask.FromCompressedString(rle, height, width).Decode();  // H x W, row-major, 0/1
        return (rle, fromPolygon, back);
    }
}
