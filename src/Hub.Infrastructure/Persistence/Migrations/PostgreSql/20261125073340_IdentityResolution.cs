using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class IdentityResolution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RecordedAt",
                table: "timeline",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<Guid>(
                name: "MergedIntoId",
                table: "customers",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "Stamp",
                table: "customers",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<bool>(
                name: "Tainted",
                table: "customers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "customer_merges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    SurvivorId = table.Column<Guid>(type: "uuid", nullable: false),
                    MergedId = table.Column<Guid>(type: "uuid", nullable: false),
                    TouchpointId = table.Column<Guid>(type: "uuid", nullable: true),
                    MergedIdentifiers = table.Column<string>(type: "text", nullable: false),
                    Actor = table.Column<string>(type: "text", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UndoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_merges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "field_observations",
                columns: table => new
                {
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Field = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    LastObservedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_field_observations", x => new { x.CustomerId, x.Field, x.Source, x.Value });
                    table.ForeignKey(
                        name: "FK_field_observations_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "identity_conflicts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    OtherCustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    IdentifierType = table.Column<string>(type: "text", nullable: true),
                    IdentifierValue = table.Column<string>(type: "text", nullable: true),
                    TouchpointId = table.Column<Guid>(type: "uuid", nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_conflicts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "identity_links",
                columns: table => new
                {
                    TouchpointId = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_links", x => new { x.TouchpointId, x.Type, x.Value });
                });

            migrationBuilder.CreateTable(
                name: "identity_separations",
                columns: table => new
                {
                    SeparationId = table.Column<long>(type: "bigint", nullable: false),
                    Side = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: false),
                    Type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_separations", x => new { x.SeparationId, x.Side, x.Type, x.Value });
                });

            migrationBuilder.CreateIndex(
                name: "IX_customers_MergedIntoId",
                table: "customers",
                column: "MergedIntoId");

            migrationBuilder.CreateIndex(
                name: "IX_customer_merges_MergedId",
                table: "customer_merges",
                column: "MergedId");

            migrationBuilder.CreateIndex(
                name: "IX_customer_merges_SurvivorId",
                table: "customer_merges",
                column: "SurvivorId");

            migrationBuilder.CreateIndex(
                name: "IX_identity_conflicts_CustomerId",
                table: "identity_conflicts",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_identity_conflicts_OtherCustomerId",
                table: "identity_conflicts",
                column: "OtherCustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_identity_links_Value_Type",
                table: "identity_links",
                columns: new[] { "Value", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_identity_separations_Value_Type",
                table: "identity_separations",
                columns: new[] { "Value", "Type" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customer_merges");

            migrationBuilder.DropTable(
                name: "field_observations");

            migrationBuilder.DropTable(
                name: "identity_conflicts");

            migrationBuilder.DropTable(
                name: "identity_links");

            migrationBuilder.DropTable(
                name: "identity_separations");

            migrationBuilder.DropIndex(
                name: "IX_customers_MergedIntoId",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "RecordedAt",
                table: "timeline");

            migrationBuilder.DropColumn(
                name: "MergedIntoId",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "Stamp",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "Tainted",
                table: "customers");
        }
    }
}
